"""The Telegram front end: conversations (:mod:`.handlers`), the scheduled digest
(:mod:`.digest`), admin commands (:mod:`.admin`), what the handlers share and the chat context
kept across restarts (:mod:`.state`; the tables themselves are in :mod:`store.chats`) and the
application that wires them together (:mod:`.app`)."""
