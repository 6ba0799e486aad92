n = "abc" # ERROR: Invalid value for variable
stray = 1 # WARNING: Value for undeclared variable
