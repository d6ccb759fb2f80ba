# The web front (crate pelihara-web): page shell, landing page, error pages.

web-tagline = Application and Website Maintenance Service
web-skip-to-content = Skip to content
web-nav-label = Main navigation
web-nav-home = Home
web-menu-toggle = Open menu
web-lang-label = Choose language
web-notifications = Notifications
web-close = Close

web-landing-eyebrow = Maintenance service application
web-landing-lead = Pelihara runs the SOP for maintaining applications and websites of { $office }: requests from OPDs, dispositions, analysis and verification, maintenance, hosting and handover are recorded in one place and measured against the time standard (Mutu Baku) of every step.
web-landing-features = What you can do in Pelihara
web-landing-submit-title = Submit a request
web-landing-submit-text = An OPD asks for maintenance of an application or website by uploading its request letter, and receives a tracking number.
web-landing-track-title = Follow every step
web-landing-track-text = Every disposition, initial (paraf) and work result appears on the request's timeline, with its standard and actual time.
web-landing-register-title = Maintenance records
web-landing-register-text = The register of every OPD's applications and websites with their maintenance history, so that none is forgotten.
web-landing-warning-title = SOP warning:
web-landing-warning = applications and websites are maintained periodically, at least once a year; otherwise the service is hampered.

web-error-request-id = Request id
web-error-back-home = Back to the home page
web-error-control-character = The field «{ $field }» holds a control character (such as NUL) that cannot be stored. Remove it and send again; nothing was changed.
web-error-not-found-title = Page not found
web-error-not-found = The address you opened does not exist or has moved.
web-error-forbidden-title = Access denied
web-error-forbidden = You are not allowed to do this.
web-error-bad-request-title = The request cannot be processed
web-error-bad-request = Check what you entered, then try again.
web-error-too-large = The file or form you sent is too large (at most { $mb } MB in all).
web-error-method = This action is not available at this address.
web-error-internal-title = Something went wrong
web-error-internal = An error occurred in the system. Please try again; if it happens again, contact the admin and quote the request id below.
web-error-offline-title = Not connected
web-error-offline = The server cannot be reached. Check your network, then try again.
web-action-recorded = Your action was saved and recorded in the request's history.
