"""The case record: organisations, units, staff scope, the complaint with its state machine,
its event log, access log and reference numbers. Imports nothing from workflow or public."""
