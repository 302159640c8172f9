"""Sound: Vietnamese text normalization, TTS engines, assembly, encoding, sinks, the spoken-length estimate (timing)."""
