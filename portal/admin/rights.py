"""People's rights over their data: find everything held about a reference or an email
address, export it (subject access) and erase it. (Being built.)"""
