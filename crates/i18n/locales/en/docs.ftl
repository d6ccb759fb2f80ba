# Words of the official PDF documents (crate pelihara-documents) and of the public verification
# page (crates/web, pages/verify.rs and pages/documents.rs).

docs-kind-lembar-disposisi = Disposition sheet
docs-kind-kartu-kendali = Control card
docs-kind-tanda-terima = Request receipt
docs-kind-berita-acara = Maintenance report
docs-kind-sop = SOP document

docs-footer-issued = Electronic document issued through Pelihara by
docs-footer-number = Document number
docs-footer-issued-at = Issued
docs-footer-verify = Check authenticity by scanning the QR code or opening
docs-footer-page = Page
docs-footer-of = of

docs-paraf = Initials
docs-paraf-electronic = electronic initials
docs-paraf-seal = Seal code
docs-paraf-seal-note = Electronic initials are added in Pelihara by the official, signed in with their own account. The seal code is computed from the letter file and the disposition's content; if either is changed after the initials, the code no longer matches.
docs-acting-for = standing in for { $name }

docs-title-disposition = DISPOSITION SHEET
docs-title-control-card = CONTROL CARD
docs-title-receipt = RECEIPT OF AN APPLICATION/WEBSITE MAINTENANCE REQUEST
docs-title-report = APPLICATION/WEBSITE MAINTENANCE REPORT

docs-letter-from = Letter from
docs-letter-number = Letter number
docs-letter-date = Letter date
docs-received = Received
docs-agenda-number = Agenda number
docs-classification = Classification code
docs-urgency = Urgency
docs-urgency-sangat-segera = Very urgent
docs-urgency-segera = Urgent
docs-urgency-biasa = Ordinary
docs-confidentiality = Security classification
docs-confidentiality-sangat-rahasia = Top secret
docs-confidentiality-rahasia = Secret
docs-confidentiality-terbatas = Restricted
docs-confidentiality-biasa = Ordinary
docs-subject = Subject
docs-disposition = Disposition
docs-disposition-from = from
docs-disposition-to = forwarded to
docs-instructions = Please
docs-note = Note
docs-no-disposition = No disposition yet.

docs-index = Index
docs-code = Code
docs-order-number = Serial number (agenda)
docs-summary = Summary
docs-attachments = Attachments
docs-card-from = From
docs-card-to = To
docs-handler = Handled by
docs-notes = Notes
docs-card-handled-by = done by { $names }
docs-card-note = Disposition { $no } ({ $from }): { $note }

docs-receipt-intro = A request for application/website maintenance has been received with these details:
docs-tracking-code = Tracking number
docs-opd = Agency (OPD)
docs-app = Application/website
docs-submitted-by = Submitted by
docs-submitted-at = Received at
docs-letter-file = Request letter file
docs-letter-sha256 = SHA-256 of the letter file
docs-receipt-note = Keep this tracking number to ask about the request. This receipt is made electronically and is valid without a handwritten signature.
docs-receiver = Received by,
docs-receipt-electronic = (made electronically)
docs-receipt-track = Follow the progress of the request by scanning this QR code or opening

docs-report-number = Number
docs-report-day = On { $weekday }, { $day } { $month } { $year } ({ $date })
docs-report-opening = { $day }, at { $place }, we, who initial this report electronically below:
docs-report-statement = The FIRST PARTY has carried out the maintenance of the application/website { $app } of { $opd } and hands the result over to the SECOND PARTY, as follows:
docs-report-closing = This report is made truthfully, to be used as appropriate.
docs-name = Name
docs-position = Position
docs-on-behalf = On behalf of
docs-called-first = hereinafter the FIRST PARTY.
docs-called-second = hereinafter the SECOND PARTY.
docs-first-party = FIRST PARTY
docs-second-party = SECOND PARTY
docs-section-request = Request
docs-section-analysis = Analysis
docs-section-maintenance = Maintenance
docs-section-hosting = Hosting
docs-section-presentation = Presentation of the result
docs-section-acceptance = Acceptance by the OPD
docs-findings = Findings
docs-verdict = Verdict
docs-verdict-maintainable = Maintainable
docs-verdict-not-maintainable = Not maintainable
docs-recommendation = Recommendation
docs-done-by = Done by
docs-work-log = Work
docs-result = Result
docs-version = Version
docs-server = Server
docs-domain = Domain
docs-url = Address
docs-dns = DNS configured
docs-certificate = Certificate installed
docs-deployed = Deployed
docs-network-officer = Network officer
docs-held-at = Time
docs-place = Place
docs-attendees = Attendees
docs-acceptance-note = OPD's note
docs-accepted = The result of the maintenance has been accepted by { $opd }.
docs-not-accepted = Not yet accepted by the OPD.
docs-hosting-skipped = Not done: { $reason }
docs-not-recorded = Nothing recorded.
docs-yes = Yes
docs-no = No

docs-weekday-0 = Monday
docs-weekday-1 = Tuesday
docs-weekday-2 = Wednesday
docs-weekday-3 = Thursday
docs-weekday-4 = Friday
docs-weekday-5 = Saturday
docs-weekday-6 = Sunday

docs-verify-eyebrow = Document verification
docs-verify-title = Authenticity of a Pelihara document
docs-verify-status-valid = Valid document: this is the current version.
docs-verify-status-superseded = Valid document, but replaced by a newer version.
docs-verify-see-newer = See the newest version
docs-verify-status-unknown = Unknown document.
docs-verify-unknown-help = No document was issued with this code. Check the address in the QR code.
docs-verify-kind = Document type
docs-verify-number = Number
docs-verify-issued-at = Issued
docs-verify-office = Issuing office
docs-verify-upload-title = Compare a PDF file
docs-verify-upload-help = Upload the PDF you received; Pelihara checks whether it is exactly (byte for byte) the issued document. The file is not kept.
docs-verify-upload-label = PDF file
docs-verify-upload-submit = Check
docs-verify-upload-failed = The file could not be read. Try uploading it again.
docs-verify-identical = Match: this file is exactly the issued document.
docs-verify-different = No match: this file differs from the issued document (it may have been altered).
docs-download-title = Official documents (PDF)
docs-download-f4 = F4
docs-download-a4 = A4

# The letterhead's contact line ("Telepon (0291) 685877, Pos-el ..., Laman ...").
docs-letterhead-phone = Phone
docs-letterhead-email = Email
docs-letterhead-website = Website

# Why an uploaded logo was refused (admin kop form).
docs-logo-empty = The logo file is empty.
docs-logo-too-large = The logo file is too large (at most 512 KB).
docs-logo-not-image = The logo must be a PNG or SVG image; this file is neither.
docs-logo-bad-png = The PNG image is damaged or too large (at most 4000 × 4000 pixels).
docs-logo-unprintable = The logo cannot be printed on documents; try another file.

# The receipt offered to the OPD right after it submits.
docs-receipt-ready = The receipt for this request has been issued.
docs-receipt-download = Download the receipt (PDF)
docs-kind-monitoring-sop = SOP monitoring form
