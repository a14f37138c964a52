# the odbc connector (rules written with its sources)
