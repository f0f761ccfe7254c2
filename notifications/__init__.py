"""Generic delivery of messages (email now, more channels later). Knows nothing of complaints.

The outbox and its delivery tasks arrive with the timers-and-notifications work."""
