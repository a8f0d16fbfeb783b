"""Staff accounts for admins. (Being built.)"""
