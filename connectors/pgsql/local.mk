# the pgsql connector (rules written with its sources)
