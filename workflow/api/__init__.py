"""The REST API of cases: filing (public POST), the staff queue, case detail, transitions."""
