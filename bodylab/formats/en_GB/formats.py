# The clinic's times are 24-hour everywhere ("06:01", as its pages and messages write them): Django's en-GB
# formats write "5:57 a.m." in the admin's history, lists and comparisons. Only these three differ from Django's.
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
