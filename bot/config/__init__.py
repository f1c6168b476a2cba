"""Settings: `config.yaml` read with line numbers, validated by pydantic, explained plainly.

`model.py` declares the settings, `values.py` the kinds of value, `source.py` reads YAML
keeping each key's line, `moved.py` keeps old keys working for a release, `problems.py` words
what is wrong, and `loader.py` puts them together in `load_config`.
"""

from bot.config.loader import ConfigError, load_config
from bot.config.model import Config, DeliveryConfig, DiscordConfig, TelegramConfig
from bot.config.values import LogLevel

__all__ = [
    "Config",
    "ConfigError",
    "DeliveryConfig",
    "DiscordConfig",
    "LogLevel",
    "TelegramConfig",
    "load_config",
]
