"""Handling: deadlines (pure date maths), intake and transition services, sweeps, the
staff and case API, tasks. Imports complaints and notifications, never public."""
