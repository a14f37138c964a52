# the mysql connector (rules written with its sources)
