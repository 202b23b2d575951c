"""Custom Rasa 3 graph components (run inside .venv-rasa): the Vietnamese normalizer, a logistic
regression intent classifier whose regularization can be set, and the app/bank entity extractor.
config.yml names them as nlu.rasa_components.<Class>."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH

from nlu import concepts, normalizer
from nlu import entities as entity_tables
from nlu.fingerprint import component_sources_digest

# Message attribute holding the normalized words (the TEXT becomes the feature text).
NORMALIZED_WORDS = "vi_normalized_words"
# Message attribute holding the text as typed, with its punctuation (where its clauses end).
TYPED_TEXT = "vi_typed_text"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class VietnameseNormalizer(GraphComponent):
    """Rewrites the message text before tokenization, in training and at inference.

    `text` chooses what the tokenizer sees: `folded` (default) the normalized text without
    diacritics, so "quen mk" and "Quên MK!" get the same features; `both` the normalized text
    followed by its folded form; `normalized` the normalized text only.
    """

    TEXTS = ("folded", "both", "normalized")

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # segment: join the words of one Vietnamese word ("mật_khẩu") with pyvi before folding.
        # concepts: one more token for each deciding concept the words name (nlu/concepts.py).
        return {"text": "folded", "segment": False, "concepts": False}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._text = config.get("text", "folded")
        if self._text not in self.TEXTS:
            raise ValueError(f"VietnameseNormalizer text must be one of {self.TEXTS}, not {self._text!r}")
        self._segment = None
        if config.get("segment"):
            from pyvi import ViTokenizer  # MIT, ships its CRF model
            self._segment = ViTokenizer.tokenize
        self._concepts = bool(config.get("concepts"))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "VietnameseNormalizer":
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # Rasa's training cache hashes this class's source only; the normalizer lives elsewhere.
        return component_sources_digest()

    def _rewrite(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str):
            return  # a training message without text (e.g. a response or an action name)
        words = normalizer.words(text)
        message.set(NORMALIZED_WORDS, words)
        message.set(TYPED_TEXT, text)
        if self._text == "folded":
            rewritten = normalizer.fold(" ".join(words))
        elif self._text == "both":
            rewritten = normalizer.features_of(words)
        else:
            rewritten = " ".join(words)
        if self._segment is not None and words:
            # The compound words go after the words, which stay first (the entity extractor's offsets).
            compounds = [w for w in self._segment(" ".join(words)).split() if "_" in w]
            rewritten = " ".join([rewritten] + [normalizer.fold(c) for c in compounds])
        if self._concepts and words:
            rewritten = " ".join([rewritten] + concepts.concept_tokens(words))  # after the words, as above
        # Rasa cannot featurize an empty text; keep something a person would not type.
        message.set(TEXT, rewritten or "_", add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            if example.get(ENTITIES):
                raise ValueError(f"annotated entities cannot survive normalization: {example.get(TEXT)!r}; "
                                 "entities come from nlu/entities.py")
            self._rewrite(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._rewrite(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Rasa's LogisticRegressionClassifier with `C` and `class_weight` configurable.

    Rasa fixes C=1 (strong regularization): on our few examples per intent that leaves most
    confidences under the dialogue's 0.6 threshold. Trains in seconds on the sentence features.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "class_weight": "balanced",
                "max_iter": 5000, "tol": 1e-6}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]), class_weight=self.config["class_weight"])

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        return component_sources_digest()

    def process(self, messages: List[Message]) -> List[Message]:
        """The same probabilities as Rasa's (scikit-learn's predict_proba), a few ms sooner a message.

        Rasa stacks every feature into one sparse row (and combines the sequence features it never
        uses), then scikit-learn copies the whole transposed weight matrix on each call: about 3.5 ms
        of a parse. Here each sentence feature meets its own block of the weights directly.
        """
        scores = _LinearScores.of(self.clf)
        for message in messages:
            probabilities = scores.probabilities(message) if scores else None
            if probabilities is None:
                return super().process(messages)
            ranking = sorted(({"name": name, "confidence": float(p)}
                              for name, p in zip(self.clf.classes_, probabilities)),
                             key=lambda e: -e["confidence"])
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[:self.config[RANKING_LENGTH]]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


class _LinearScores:
    """A trained multinomial logistic regression as weight blocks, one per sentence feature in Rasa's order."""

    def __init__(self, clf: Any) -> None:
        self.weights = np.ascontiguousarray(np.asarray(clf.coef_, dtype=np.float64).T)  # features x classes
        self.intercept = np.asarray(clf.intercept_, dtype=np.float64)

    @classmethod
    def of(cls, clf: Any) -> Optional["_LinearScores"]:
        """The scores of a fitted multinomial model (built once), else None: Rasa's own path then."""
        if not hasattr(clf, "coef_") or len(getattr(clf, "classes_", ())) <= 2:
            return None
        ovr = clf.multi_class == "ovr" or (clf.multi_class == "auto" and clf.solver == "liblinear")
        if ovr:
            return None
        cached = getattr(clf, "_camtay_scores", None)
        if cached is None or cached.weights.shape[0] != clf.coef_.shape[1]:
            cached = cls(clf)
            clf._camtay_scores = cached
        return cached

    def probabilities(self, message: Message) -> Optional[np.ndarray]:
        """Softmax of the scores, or None when the message's features do not fit the weights."""
        sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
        # Rasa's row: all sparse sentence features in order, then all dense ones (LogisticRegressionClassifier._create_X).
        ordered = [f for f in sentence if f.is_sparse()] + [f for f in sentence if f.is_dense()]
        scores, offset = self.intercept.copy(), 0
        for feature in ordered:
            width = feature.features.shape[-1]
            if offset + width > self.weights.shape[0]:
                return None
            block = self.weights[offset:offset + width]
            if feature.is_sparse():
                row = feature.features.tocoo()
                scores += row.data.astype(np.float64) @ block[row.col]
            else:
                scores += np.asarray(feature.features, dtype=np.float64).reshape(-1) @ block
            offset += width
        if offset != self.weights.shape[0]:
            return None
        scores -= scores.max()
        np.exp(scores, out=scores)
        return scores / scores.sum()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class VietnameseEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds `app` and `bank` entities from the tables in nlu/entities.py (after the normalizer)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "VietnameseEntityExtractor":
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        return component_sources_digest()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            words = message.get(NORMALIZED_WORDS)
            if words is None:
                words = normalizer.words(message.get(TEXT) or "")
            found = self._entities(words, message.get(TEXT) or "")
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found),
                            add_to_output=True)
        return messages

    @staticmethod
    def _entities(words: List[str], text: str) -> List[Dict[Text, Any]]:
        """Entities with character offsets into the rewritten text, whose first words are the
        normalized words (folded or not)."""
        starts, position = [], 0
        for token in text.split(" ")[:len(words)]:
            starts.append(position)
            position += len(token) + 1
        starts.append(position)
        rows = []
        for hit in entity_tables.find(words):
            start, end = starts[hit.start], starts[hit.end] - 1
            rows.append({"entity": hit.entity, "value": hit.value, "start": start, "end": end,
                         "text": text[start:end], "confidence_entity": 1.0})
        return rows
