# Public tracking of a request by its tracking number (crate pelihara-web: pages/tracking.rs).

track-nav = Track a request
track-eyebrow = Public tracking
track-title = Track a request
track-lead = Enter the tracking number printed on the receipt to see the steps of the request. This page shows only the steps, their state and their dates.
track-number-label = Tracking number
track-number-help = For example: PLH-7KQ2M-X9D4B. Case, spaces and dashes do not matter.
track-submit = Track
track-not-found-title = Number not found
track-not-found = The tracking number was not found. Check the number on your receipt again.
track-limited-title = Too many attempts
track-limited = Too many numbers that were not found came from your network. Try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
track-started = started
track-finished = finished
track-target = target
track-closed = closed
