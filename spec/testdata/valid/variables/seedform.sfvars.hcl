from_sfvars = "sfvars"
from_auto = "sfvars"
from_var_file = "sfvars"
from_var = "sfvars"
