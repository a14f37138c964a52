# the ldap connector (rules written with its sources)
