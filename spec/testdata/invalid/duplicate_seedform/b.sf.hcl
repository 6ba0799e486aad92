seedform {} # ERROR: Duplicate seedform block
