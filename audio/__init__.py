"""Sound: Vietnamese text normalization, TTS engines, assembly, encoding, sinks."""
