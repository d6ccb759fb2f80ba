# The admin pages (crate pelihara-web: pages/admin): users, delegations, OPDs, holidays.

admin-nav = Administration
admin-tab-users = Users
admin-tab-delegations = Delegations (Plh/Plt)
admin-tab-opds = OPDs
admin-tab-holidays = Holidays

admin-title-users = Users
admin-title-delegations = Delegations of positions
admin-title-opds = Regional agencies (OPD)
admin-title-holidays = Holidays and collective leave

admin-form-has-errors = Nothing was saved: check the marked fields.
admin-form-go-to = Go to the form
admin-optional = optional
admin-none = None
admin-choose = Choose…
admin-col-status = Status
admin-col-actions = Actions
admin-status-active = Active
admin-status-inactive = Disabled
admin-enable = Enable
admin-disable = Disable
admin-revoke = Revoke
admin-remove = Remove

admin-notice-user-created = The new user was saved.
admin-notice-user-enabled = The account was enabled again.
admin-notice-user-disabled = The account was disabled; all its sessions have ended.
admin-notice-delegation-created = The delegation was saved.
admin-notice-delegation-revoked = The delegation was revoked.
admin-notice-opd-created = The OPD was saved.
admin-notice-holiday-added = The holiday was added.
admin-notice-holiday-removed = The holiday was removed.

admin-error-required = This field is required.
admin-error-too-long = Too long (at most { $max } characters).
admin-error-choose = Choose one of the options offered.
admin-error-date = Enter a valid date.
admin-error-username-format = Use 3–40 lowercase letters, digits, dots, underscores or hyphens, starting with a letter or digit.
admin-error-username-taken = This username is already taken.
admin-error-nip-format = A NIP has 18 digits.
admin-error-email-format = This is not a valid email address.
admin-error-positions-required = Staff must hold at least one position.
admin-error-positions-staff-only = Only staff hold positions; clear the positions.
admin-error-opd-required = An OPD operator must belong to an OPD.
admin-error-opd-operator-only = Only OPD operators belong to an OPD; choose "None".
admin-error-password-short = The password needs at least { $min } characters.
admin-error-disable-self = You cannot disable your own account.
admin-error-delegate-holds = This person already holds that position.
admin-error-until-before-from = The end date cannot be before the start date.
admin-error-until-past = This period is over; the end date must be today or later.
admin-error-opd-code = 2–20 characters: capital letters, digits, hyphens or underscores.
admin-error-opd-code-taken = This OPD code is already taken.
admin-error-holiday-taken = This date is already in the holiday table.

admin-users-count = { $count ->
    [one] { $count } user
   *[other] { $count } users
}
admin-users-new = Add a user
admin-users-create = Save user
admin-field-full-name = Full name
admin-field-nip = NIP (civil servant number)
admin-field-email = Email
admin-field-role = Role
admin-field-positions = Positions
admin-field-opd = OPD
admin-field-initial-password = Initial password
admin-col-position-opd = Position / OPD
admin-username-help = Lowercase letters, digits, dots, underscores or hyphens; e.g. op.dinkes
admin-positions-help = For staff: the SOP positions they hold in their own right (not as Plh/Plt).
admin-opd-help = For OPD operators only.
admin-password-help = At least 10 characters. Tell the user in person.

admin-delegations-list = Delegations
admin-delegations-help = A Plh. stands in for an official who is briefly away; a Plt. fills a vacant position. While it runs, the delegate receives the position's tasks and initials are recorded in both names.
admin-delegations-empty = No delegations yet.
admin-delegations-new = Appoint a Plh/Plt
admin-delegations-create = Save delegation
admin-field-position = Position
admin-field-kind = Kind
admin-field-delegate = Appointed person
admin-field-official = Name of the official stood in for
admin-field-from = From
admin-field-until = Until
admin-col-period = Period
admin-kind-plh = Plh. (acting for a short absence)
admin-kind-plt = Plt. (acting in a vacancy)
admin-kind-help = Plh. for a short absence (leave, official travel); Plt. for a vacant position.
admin-official-help = Filled in from the position's current holder; change it if needed.
admin-dates-help = Runs from 00:00 WIB on the start date to the end of the end date.
admin-for-official = standing in for { $name }
admin-delegation-active = Running
admin-delegation-scheduled = Scheduled
admin-delegation-ended = Ended
admin-delegation-revoked = Revoked

admin-opds-count = { $count ->
    [one] { $count } OPD
   *[other] { $count } OPDs
}
admin-opds-empty = No OPDs yet.
admin-opds-new = Add an OPD
admin-opds-create = Save OPD
admin-field-opd-code = Code
admin-field-opd-name = OPD name
admin-col-operators = Active operators
admin-opd-code-help = The official abbreviation in capitals, e.g. DINKES.

admin-holidays-of-year = Holidays in { $year }
admin-holidays-years = Choose a year
admin-holidays-empty = No holidays for this year yet.
admin-holidays-restart = Deadlines (Mutu Baku) are measured on the holiday table loaded when Pelihara started: changes here count for deadlines after Pelihara restarts.
admin-holidays-new = Add a holiday
admin-holidays-create = Save holiday
admin-field-date = Date
admin-field-holiday-kind = Kind
admin-field-holiday-name = Description
admin-weekday-mon = Monday
admin-weekday-tue = Tuesday
admin-weekday-wed = Wednesday
admin-weekday-thu = Thursday
admin-weekday-fri = Friday
admin-weekday-sat = Saturday
admin-weekday-sun = Sunday

# The letterhead (kop) of official documents: /admin/kop (pages/admin/kop.rs).
admin-tab-letterhead = Letterhead
admin-title-letterhead = Letterhead of official documents
admin-notice-letterhead-saved = The letterhead was saved; documents issued from now on use it.
admin-letterhead-intro = This letterhead is printed at the top of the disposition sheet, control card, receipt, berita acara and the SOP document. Documents already issued do not change; the next issues use the new letterhead.
admin-letterhead-field-government = Regional government
admin-letterhead-help-government = Begins with "Pemerintah Kabupaten", "Pemerintah Kota" or "Pemerintah Provinsi" and the region's name; printed in capitals.
admin-letterhead-field-office = Office name
admin-letterhead-help-office = For example "Dinas Komunikasi dan Informatika"; printed in capitals.
admin-letterhead-field-address = Address
admin-letterhead-field-phone = Phone
admin-letterhead-field-email = Email
admin-letterhead-field-website = Website
admin-letterhead-field-place = Place of issue
admin-letterhead-help-place = The town printed before the date, as in "<town>, 27 November 2026".
admin-letterhead-field-paper = Default paper size
admin-letterhead-paper-a4 = A4 (210 × 297 mm)
admin-letterhead-paper-f4 = F4 / folio (215 × 330 mm)
admin-letterhead-field-logo = Logo (regional emblem)
admin-letterhead-help-logo = A PNG or SVG file, at most 512 KB. Leave empty to keep the current logo.
admin-letterhead-logo-current = Current logo: { $summary }
admin-letterhead-logo-none = No logo yet; the letterhead prints without an emblem.
admin-letterhead-remove-logo = Remove the logo
admin-letterhead-save = Save the letterhead

# Editing users, resetting passwords, deactivating OPDs, confirmation steps (HADM).
admin-edit-named = Edit { $name }
admin-cancel = Cancel
admin-user-edit-title = Edit user: { $name }
admin-user-edit-details = User details
admin-user-edit-save = Save changes
admin-user-edit-sessions-help = Changing the role, positions or OPD ends all of this user's sessions; they sign in again.
admin-notice-user-saved = The user's details were saved.
admin-notice-user-saved-signed-out = Saved. The user's permissions changed, so all their sessions ended.
admin-error-demote-self = You cannot change the role of your own account; ask another admin.
admin-error-reset-self = Change your own password on the My account page.
admin-password-reset = Reset password
admin-field-new-password = New password
admin-password-reset-help = At least 10 characters. All of this user's sessions end; tell them the new password in person.
admin-password-reset-save = Reset password
admin-notice-password-reset = Password reset; all of this user's sessions ended.
admin-own-password-help = Your own password is changed on the My account page, with your current password.
admin-account-state = Account status
admin-account-state-active-help = A disabled account cannot sign in; its history and tasks stay on record.
admin-confirm-heading = What will happen
admin-confirm-disable-user-title = Disable the account of { $name }?
admin-confirm-disable-user-sign-in = This user can no longer sign in until the account is enabled again.
admin-confirm-disable-user-sessions = All their current sessions end at once.
admin-confirm-disable-user-records = The history, initials and files recorded in their name stay on record.
admin-confirm-revoke-title = Revoke the delegation?
admin-confirm-revoke-what = { $name } no longer acts as { $kind } { $position } from now on.
admin-confirm-revoke-tasks = This person no longer receives that position's tasks; revoking cannot be undone (make a new delegation if needed).
admin-confirm-revoke-records = Initials and records made while the delegation was in force stay on record.
admin-confirm-disable-opd-title = Deactivate the OPD { $name }?
admin-confirm-disable-opd-operators = { $count ->
    [0] This OPD has no active operators.
    [one] Its one operator can no longer sign in, and their sessions end at once.
   *[other] Its { $count } operators can no longer sign in, and their sessions end at once.
}
admin-confirm-disable-opd-forms = The OPD is no longer offered in forms and cannot submit new requests.
admin-confirm-disable-opd-records = Its requests in progress and its apps in the register stay as they are.
admin-opd-disable = Deactivate OPD
admin-notice-opd-enabled = OPD reactivated; its operators can sign in again.
admin-notice-opd-disabled = OPD deactivated; its operators can no longer sign in.
admin-status-opd-inactive = OPD inactive

admin-tab-sops = SOPs
admin-title-sops = SOPs in use
admin-sop-versions = SOP versions
admin-sop-versions-help = New requests use the version in force; requests in progress finish on the version they started on. A retired SOP takes no new requests until one of its versions is published again.
admin-sop-empty = No SOP has been loaded yet.
admin-sop-col-sop = SOP
admin-sop-col-version = Version
admin-sop-col-state = State
admin-sop-col-published = Published
admin-sop-loaded-at = loaded { $when }
admin-sop-publish = Publish
admin-sop-publish-help = Once published, new requests of this SOP start on this version.
admin-sop-retire = Retire
admin-confirm-sop-retire-title = Retire this SOP?
admin-confirm-sop-retire-what = «{ $title }» (version { $version }) takes no new requests from now on.
admin-confirm-sop-retire-open = Requests already under way are finished on the version they follow.
admin-confirm-sop-retire-again = Publishing one of its versions again opens it to new requests.
admin-sop-upload = Load an SOP
admin-sop-upload-help = An SOP definition file (TOML) in Pelihara's PermenPAN-RB 35/2012 format. The file is checked first; when it has errors, nothing is saved. A valid file is stored as a draft to look at before publishing.
admin-sop-file = SOP file (.toml)
admin-sop-load = Check and load
admin-sop-refused = The file was not loaded: fix the following errors (line:column). Nothing was saved.
admin-sop-unreadable = The upload form could not be read.
admin-sop-too-large = The file is larger than { $max } KiB.
admin-sop-no-file = Choose the SOP file to load.
admin-sop-not-text = The file is not UTF-8 text; save the SOP definition as a .toml text file.
admin-sop-version-taken = Version { $version } of this SOP is already stored with a different text. A stored version never changes: raise the version number in the file.
admin-sop-about = About this SOP
admin-sop-code = Code
admin-sop-number = SOP number
admin-sop-office = Office
admin-sop-steps = Steps
admin-sop-flowchart = Table and flowchart
admin-sop-flowchart-page = Page { $page }
admin-notice-sop-loaded = The SOP was loaded as a draft. Check its table and flowchart, then publish it.
admin-notice-sop-published = The SOP was published: new requests use this version.
admin-notice-sop-retired = The SOP was retired: no new requests; requests in progress are finished.
admin-cli-name-required = The user name (--username) and full name (--name) are required.
admin-cli-password-length = The password (read from standard input) must have { $min } to { $max } characters.
admin-cli-created = The first administrator «{ $username }» was created. Sign in with that user name and the password given.
admin-cli-demo-not-empty = That database already has users. The demo only fills an empty database and never empties one; create a new database for the demo.
admin-cli-exists = An administrator exists already; this command only creates the first one. An administrator adds other users on Administration › Users. Nothing was changed.
admin-cli-unknown-user = There is no user «{ $username }». Nothing was changed.
admin-cli-totp-reset = Two-step verification of «{ $username }» is off; their recovery codes are deleted. If their role needs it, they turn it on again at their next sign-in.
admin-cli-totp-was-off = «{ $username }» does not use two-step verification. Nothing was changed.
backup-target-not-empty = The folder { $dir } already holds files; a backup is written to a new or empty folder.
backup-postgres = A PostgreSQL database is backed up with pg_dump plus the documents folder (see docs/backup.md).
backup-done = Backup written to { $dir }: the database and { $documents } documents, with a manifest of hashes.
migrate-urls = Moving runs from SQLite to PostgreSQL: --from sqlite://... --to postgres://...
migrate-source-broken = The source database's audit trail is not intact (run pelihara audit verify); nothing was copied.
migrate-target-in-use = The target database is in use ({ $what }); copy into a new, empty PostgreSQL database. Nothing was copied.
migrate-target-broken = The copy failed the audit trail check; do not use the target database.
migrate-done = Done: { $tables } tables copied, audit trail intact on the target ({ $events } events). Run the server with --database pointing at the target and the same data folder (the documents stay there).
restore-not-a-backup = { $dir } is not a Pelihara backup (unknown manifest).
restore-damaged = The backup is damaged: { $file } is missing or differs from the hash in the manifest. Nothing was restored.
restore-target-in-use = The folder { $dir } already holds a database; a backup is restored into a new data folder only.
restore-audit-bad = The backup was restored, but the audit trail is broken from event #{ $seq }.
restore-done = Backup restored to { $dir }: { $documents } documents, { $events } audit events, hash chain whole.
admin-notice-assessor-granted = The user was appointed SOP assessor.
admin-notice-assessor-revoked = The SOP assessor appointment was revoked.
admin-error-assessor-role = Only staff or auditors can be appointed SOP assessors.
admin-assessor-badge = SOP assessor
admin-assessor-grant = Appoint SOP assessor
admin-assessor-revoke = Revoke SOP assessor

# Service accounts (pages/admin/service_accounts.rs).
admin-tab-service-accounts = Service accounts
admin-title-service-accounts = Service accounts
admin-service-intro = A service account lets another system (an OPD's application, an intake system for letters) work with Pelihara through the API. It has no password and cannot sign in on the sign-in page; it works only with the tokens you issue, with the rights of the OPD or position it acts for.
admin-service-count = { $count ->
    [one] { $count } service account
   *[other] { $count } service accounts
}
admin-service-empty = No service accounts yet.
admin-service-col-acts-for = Acts as
admin-service-tokens = Tokens
admin-service-new = Add a service account
admin-service-name-help = The system's name, e.g. "Dinkes correspondence system". It is recorded in the requests' history.
admin-service-binding = Acts as
admin-service-binding-none = Choose an OPD or a position
admin-service-binding-help = For an OPD: the system submits and sees that OPD's requests only. For a position: the system works that position's steps.
admin-service-bind-opd = Operator of { $name }
admin-service-bind-position = Position { $name }
admin-service-create = Save service account
admin-service-error-binding = Choose an active OPD or a position from the list.
admin-service-account-intro = This service account's tokens act with the rights of the OPD or position above, limited to their scopes. Every issue and revocation is recorded in the audit trail under your name.
admin-service-token-created = This service account's new token
admin-service-token-list = This service account's tokens
admin-service-token-none = This service account has no tokens yet.
admin-notice-service-account-created = Service account saved. Issue its token below.
admin-notice-service-token-revoked = Token revoked. The next request with it is refused.

admin-totp-on-help = On. When the user lost both their authenticator app and their recovery codes, you can turn it off.
admin-totp-off = Off.
admin-totp-reset = Turn off two-step verification
admin-error-totp-self = Turn off your own two-step verification on the My account page (with your password or a code).
admin-confirm-totp-reset-title = Turn off two-step verification for { $name }?
admin-confirm-totp-reset-codes = Their authenticator app and recovery codes stop working.
admin-confirm-totp-reset-next = They next sign in with their password alone, or enrol again at once if their role requires it.
admin-confirm-totp-reset-when = Do it only after making sure yourself that the request comes from this user. It is recorded in the audit trail.
admin-notice-totp-reset = Two-step verification of this user is turned off.
admin-notice-totp-none = This user does not use two-step verification; nothing was changed.

admin-invitation = Invitation
admin-invitation-help = This user has not set their password yet. When their invitation link expired or was lost, send a new one: the old link stops working.
admin-invitation-resend = Send the invitation again
admin-error-not-invited = This user has set their password already; there is no invitation to send again.
admin-notice-invitation-mailed = A new invitation was sent to the user's email; the old link no longer works.
admin-notice-invitation-link = A new invitation was made; the old link no longer works. Hand this link to the user (shown once, valid 7 days): { $link }
