"""Speech engines behind one interface (`base.TtsEngine`: `synthesize(text, voice) -> Clip`).

- `base`: the interface, the clip and `EngineChain` (fallback in order);
- `espeak`, `gtts`, `piper`: one module per engine;
- `breaker`: a circuit breaker around an online engine;
- `cache`: the sentence cache and a size-bounded folder.
"""
