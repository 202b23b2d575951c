"""People and places: households with their join codes, team members with their villages and link codes;
shared by the actions and the operator's tools."""
