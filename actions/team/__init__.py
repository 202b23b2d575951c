"""The community tech team's actions in chat: help requests and their relay, pushes from chat, reminders,
linking a team member's chat."""
