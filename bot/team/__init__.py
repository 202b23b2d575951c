"""The community tech team's tools: households import and join sheets, team members, the person relay
for help requests, tutorial pushes through the durable outbox, gentle reminders."""
