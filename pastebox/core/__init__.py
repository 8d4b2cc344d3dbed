"""The domain: pastes, accounts, access rules, validation and search, with no HTTP."""
