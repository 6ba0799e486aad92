from_var_file = "var_file"
from_var = "var_file"
