# The app/website register (Data Pemeliharaan Aplikasi/Website).
register-due-current = Not yet due
register-due-soon = Due soon
register-due-overdue = Overdue
register-status-active = Active
register-status-retired = Retired
register-error-name-required = The application name is required.
register-error-url = The address must start with http:// or https:// and contain no spaces.
register-error-domain = Not a valid domain (for example simpus.demakkab.go.id).
register-error-email = Not a valid email address.
register-error-status = The status must be "active" or "retired".
register-error-interval = The maintenance interval must be 1 to 120 months.
register-error-too-long = Too long.
register-error-opd = Unknown OPD.
