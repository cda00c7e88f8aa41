"""The Telegram front end: conversations (:mod:`.handlers`), the scheduled digest
(:mod:`.digest`), admin commands (:mod:`.admin`), the bot's own SQLite tables
(:mod:`.state`) and the application that wires them together (:mod:`.app`)."""
