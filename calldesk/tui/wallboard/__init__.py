"""The room's wallboard (`calldesk wallboard`): the app and its widgets."""
