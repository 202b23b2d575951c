"""Concepts that decide between neighbouring topics, each a set of phrases that say the same thing.

Word n-grams only learn the exact phrases the training examples use; a citizen who writes "đổi máy" where
the examples say "điện thoại mới" shares no feature with them. A concept gives every phrase of its set one
more token (`concept_tokens`), so what the classifier learns from one wording carries over to the others.

The sets come from what separates the catalog's neighbours (level 1 from level 2,
submitting from tracking, a forgotten password from a new phone, a scam from the app it abuses), written from
the topics' content and docs/NLU.md's error classes, never from the held-out set. Phrases are matched on the
normalized, diacritics-folded words (so "đổi máy" and "doi may" are one phrase), as whole words in a row.

Pure Python with no dependencies: the bot (Python 3.11) and Rasa's component (Python 3.10) share it.
"""
from __future__ import annotations

from nlu.tones import fold

# concept name -> phrases (normalized words, with or without diacritics: they are folded before matching).
CONCEPTS: dict[str, tuple[str, ...]] = {
    # The second level of the electronic identity: done at the police with a photo and fingerprints.
    "level2": ("mức 2", "mức độ 2", "nâng cấp", "nâng mức", "nâng lên", "lên mức", "vân tay",
               "thu nhận", "lấy dấu vân tay", "chụp ảnh chân dung", "đã cấp tài khoản", "được cấp tài khoản"),
    "level1": ("mức 1", "mức độ 1"),
    # How far a filed application has gone: tracking, not filing.
    "status": ("xong chưa", "có chưa", "được chưa", "đến đâu", "tới đâu", "tình trạng", "trạng thái",
               "tra cứu hồ sơ", "theo dõi hồ sơ", "kết quả chưa", "có kết quả", "duyệt chưa", "chưa thấy",
               "vẫn chưa", "mã hồ sơ", "chờ lâu",
               "dịch vụ công của tôi", "hồ sơ của tôi", "hồ sơ đã nộp"),
    # Signing in again on another phone: the password reset topic.
    "new_device": ("điện thoại mới", "máy mới", "đổi máy", "đổi điện thoại", "thay điện thoại", "thay máy",
                   "máy hỏng", "hỏng máy", "máy hư", "hư máy", "mất máy", "mất điện thoại", "điện thoại hỏng",
                   "điện thoại hư", "máy cũ", "máy khác", "thiết bị mới", "thiết bị khác", "đổi thiết bị",
                   "chuyển thiết bị", "chuyển máy", "rơi vỡ", "bị vỡ", "bị mất điện thoại"),
    # A new phone number for the account (the same topic as a new phone or a forgotten password).
    "phone_number": ("đổi số điện thoại", "đổi số", "thay số", "số điện thoại mới", "số mới", "sim mới", "mất sim",
                     "đổi sim", "số cũ", "không dùng số", "không còn dùng số"),
    "forgot": ("quên mật khẩu", "không nhớ mật khẩu", "nhớ không ra", "mật khẩu sai", "sai mật khẩu",
               "đặt lại mật khẩu", "lấy lại mật khẩu", "khôi phục", "bị khóa", "nhớ mật khẩu", "đổi mật khẩu",
               "thay mật khẩu", "nhập sai mật khẩu", "nhập lại mật khẩu", "quên mất mật khẩu"),
    # What scams ask for or pretend to be.
    "scam": ("lừa đảo", "bị lừa", "giả danh", "mạo danh", "tự xưng", "người lạ", "số lạ", "link lạ", "đường link",
             "đường dẫn", "bấm vào link", "gửi link", "trúng thưởng", "yêu cầu chuyển", "đòi tiền", "cài ứng dụng lạ", "app lạ",
             "bị hack", "chiếm đoạt", "mất tiền", "trang web giả", "web giả", "trang giả", "tiền hoàn",
             "hoàn tiền", "mật khẩu ngân hàng",
             # handing a code or the account to someone else
             "cho người khác biết", "cho người lạ biết", "tiết lộ", "chia sẻ mã",
             "cho mượn tài khoản"),
    # The community tech team and its in-person help.
    "team_help": ("tổ công nghệ", "tổ công nghệ số", "lịch hỗ trợ", "buổi hỗ trợ", "hỗ trợ trực tiếp",
                  "nhà văn hóa", "cầm tay chỉ việc", "đến nhà", "tận nhà", "người hướng dẫn", "ai hướng dẫn",
                  "tổ hỗ trợ", "đoàn thanh niên", "nhờ người", "nhờ ai", "liên hệ ai"),
    # Papers carried in the app instead of on paper: the documents topic, not an account topic.
    "documents": ("tích hợp", "ví giấy tờ", "giấy tờ trên vneid", "đưa lên vneid", "đưa vào vneid",
                  "thêm vào vneid", "xuất trình", "thay bản giấy", "không cần mang",
                  "hiện lên vneid", "hiện trên vneid", "hiển thị trên vneid", "cập nhật lên vneid",
                  "cập nhật vào vneid", "đồng bộ"),
    # Signing in to the national portal (with VNeID, a QR code on the computer): not the portal's FAQ.
    "portal_login": ("đăng nhập cổng", "đăng nhập dịch vụ công", "đăng nhập trang dịch vụ công",
                     "quét bằng vneid", "quét mã bằng vneid", "quét qr bằng vneid", "quét mã qr bằng vneid",
                     "tài khoản dịch vụ công", "vào dịch vụ công", "vào cổng dịch vụ công",
                     "vào trang dịch vụ công", "mở trang dịch vụ công", "vào cổng"),
    # Residence, not birth: where one lives or stays.
    "residence": ("tạm trú", "thường trú", "lưu trú", "tạm vắng", "cư trú", "chuyển hộ khẩu", "nhập hộ khẩu",
                  "cho thuê", "người thuê", "ở trọ", "nhà trọ"),
    "birth": ("khai sinh", "mới sinh", "em bé", "sinh con", "giấy chứng sinh", "đứa nhỏ mới đẻ"),
}

PREFIX = "concept"  # tokens look like "conceptlevel2": nothing a person types


def _phrase_table() -> dict[int, dict[tuple[str, ...], set[str]]]:
    table: dict[int, dict[tuple[str, ...], set[str]]] = {}
    for name, phrases in CONCEPTS.items():
        for phrase in phrases:
            words = tuple(fold(phrase).split())
            table.setdefault(len(words), {}).setdefault(words, set()).add(name)
    return table


_PHRASES = _phrase_table()


def concepts_in(normalized_words: list[str]) -> list[str]:
    """The names of the concepts whose phrases stand in the words, in CONCEPTS order, each once."""
    folded = [fold(w) for w in normalized_words]
    found: set[str] = set()
    for length, phrases in _PHRASES.items():
        for start in range(len(folded) - length + 1):
            found |= phrases.get(tuple(folded[start:start + length]), set())
    return [name for name in CONCEPTS if name in found]


def concept_tokens(normalized_words: list[str]) -> list[str]:
    """One token a concept found, for the word featurizers: ['conceptlevel2', ...]."""
    return [PREFIX + name.replace("_", "") for name in concepts_in(normalized_words)]
