provider "seadream" {} # ERROR: Unknown provider type
