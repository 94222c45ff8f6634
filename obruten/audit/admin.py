"""The audit log is not in the admin: no role may change or remove a row, and reading
it is the "Vem har sett detta barn?" page."""
