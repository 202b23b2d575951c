"""The model's fingerprint covers every module of this repository that Rasa's components run."""
import ast

from nlu import NLU_DIR
from nlu.fingerprint import COMPONENT_MODULES


def _nlu_imports(module: str) -> set[str]:
    tree = ast.parse((NLU_DIR / module).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "nlu":
            found |= {f"{alias.name}.py" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nlu."):
            found.add(node.module.split(".", 1)[1] + ".py")
    return found


def test_every_module_the_components_import_retrains_the_model_when_changed():
    seen, todo = set(), ["rasa_components.py", "rasa_features.py"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(_nlu_imports(module))
    assert seen <= set(COMPONENT_MODULES)
