"""Generic delivery of messages (email now, more channels later). Knows nothing of complaints.

A transactional outbox: ``services.notification_queue`` writes a row in the caller's
transaction and enqueues its delivery on commit; ``services.notification_deliver`` sends it
once; beat's ``notifications.dispatch`` picks up whatever the broker lost or a back-off held.
"""
