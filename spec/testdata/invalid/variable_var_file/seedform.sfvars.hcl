n = "abc" # ERROR: Invalid value for input variable
stray = 1 # WARNING: Value for undeclared variable
