# the bdb connector (rules written with its sources)
