"""Places readers name (cities, countries, abbreviations, offsets) and their time zones."""
