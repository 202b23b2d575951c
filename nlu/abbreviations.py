"""Abbreviations, teencode and misspelled app names, as citizens type them, and what they stand for.

Keys are lower-case words after punctuation is removed; values are normalized text. No value word
is itself a key (tests/nlu/test_normalizer.py checks it), so normalizing twice changes nothing.
"""
from __future__ import annotations

_KHONG = "không"

# Teencode spells some sounds with letters Vietnamese does not use: "wen" is "quen", "fải" is "phải",
# "jờ" is "giờ", "zô" is "vô". The normalizer respells a word by these only when the result is a
# Vietnamese syllable (nlu/normalizer.py), so "wifi" and "zalo" stay as they are.
RESPELLINGS: tuple[tuple[str, str], ...] = (("w", "qu"), ("f", "ph"), ("j", "gi"), ("dz", "v"), ("z", "v"))
RESPELL_KEEP = frozenset({"zoom", "zing", "web", "wap"})  # names that happen to look like a syllable

# Two typed words -> their meaning; matched before WORDS so "vs id" is VssID, not "với id".
PAIRS: dict[tuple[str, str], str] = {
    ("vn", "eid"): "vneid", ("vn", "id"): "vneid", ("vne", "id"): "vneid", ("vn", "ied"): "vneid",
    ("vss", "id"): "vssid", ("vs", "id"): "vssid", ("vss", "ld"): "vssid",
    ("wi", "fi"): "wifi", ("wai", "phai"): "wifi",
    # levels of the electronic identity account, however they are written
    ("mức", "một"): "mức 1", ("mức", "hai"): "mức 2", ("muc", "mot"): "muc 1", ("muc", "hai"): "muc 2",
    ("level", "1"): "mức 1", ("level", "2"): "mức 2", ("lv", "1"): "mức 1", ("lv", "2"): "mức 2",
    # round 10: words split or run together
    ("bh", "yte"): "bảo hiểm y tế", ("bh", "xh"): "bảo hiểm xã hội", ("gg", "play"): "google play",
    ("cho", "play"): "ch play", ("cap", "nhap"): "cập nhật", ("khai", "xinh"): "khai sinh", ("vk", "ck"): "vợ chồng",
    ("tp", "bank"): "tpbank",
}

# Two words misspelt with their diacritics -> their meaning; matched only as typed, since their folded form is
# often a right phrase of its own ("mat khau" is "mật khẩu" typed without diacritics, "su ly hon" is "sự ly hôn").
MISSPELT_PAIRS: dict[tuple[str, str], str] = {
    ("chợ", "play"): "ch play", ("phây", "búc"): "facebook", ("tóp", "tóp"): "tiktok", ("cập", "nhập"): "cập nhật",
    ("mặt", "khẩu"): "mật khẩu", ("tài", "khoảng"): "tài khoản", ("tạm", "chú"): "tạm trú",
    ("thường", "chú"): "thường trú", ("chia", "xẻ"): "chia sẻ", ("sử", "lý"): "xử lý",
}

# One typed word -> its meaning.
WORDS: dict[str, str] = {
    # không
    "ko": _KHONG, "k": _KHONG, "kg": _KHONG, "hok": _KHONG, "hông": _KHONG, "kh": _KHONG,
    "khg": _KHONG, "khum": _KHONG, "hem": _KHONG, "kô": _KHONG, "hk": _KHONG, "hog": _KHONG,
    # small words
    "dc": "được", "đc": "được", "r": "rồi", "j": "gì", "z": "vậy", "zậy": "vậy", "vs": "với",
    "cx": "cũng", "cg": "cũng", "ntn": "như thế nào", "lm": "làm", "bik": "biết", "bjt": "biết",
    "mik": "mình", "ngta": "người ta", "ng": "người", "mn": "mọi người", "mng": "mọi người",
    "nv": "nhân viên", "cty": "công ty", "ud": "ứng dụng", "ubnd": "ủy ban nhân dân", "ub": "ủy ban",
    "nx": "nữa", "ns": "nói", "trog": "trong", "kp": "không phải", "kbiet": "không biết", "vd": "ví dụ",
    "nhg": "nhưng", "bnhiu": "bao nhiêu", "bnhiêu": "bao nhiêu", "ntnao": "như thế nào", "tnao": "thế nào",
    "lsao": "làm sao", "lmsao": "làm sao", "ak": "ạ", "ạk": "ạ",
    "mún": "muốn", "mun": "muốn", "nhìu": "nhiều", "nhiu": "nhiều", "lun": "luôn", "rùi": "rồi",
    "ròi": "rồi", "thui": "thôi", "hnay": "hôm nay", "hqua": "hôm qua", "bh": "bây giờ",
    "bjo": "bây giờ", "bg": "bây giờ", "trc": "trước", "ms": "mới", "kbt": "không biết", "bít": "biết",
    "hd": "hướng dẫn", "hdan": "hướng dẫn", "hdẫn": "hướng dẫn", "đag": "đang", "dag": "đang",
    "đg": "đang", "gđ": "gia đình", "ib": "nhắn tin", "inbox": "nhắn tin",
    "oke": "ok", "okie": "ok", "oki": "ok", "okela": "ok", "okay": "ok", "uk": "ừ", "uh": "ừ",
    # đăng ký, mật khẩu, số điện thoại, tài khoản
    "dk": "đăng ký", "đk": "đăng ký", "dky": "đăng ký", "đky": "đăng ký", "dki": "đăng ký",
    "đki": "đăng ký", "đkí": "đăng ký", "dn": "đăng nhập", "đn": "đăng nhập", "dnhap": "đăng nhập",
    "đnhap": "đăng nhập", "đnhập": "đăng nhập", "qmk": "quên mật khẩu", "mk": "mật khẩu", "mkhau": "mật khẩu", "pass": "mật khẩu",
    "password": "mật khẩu", "sdt": "số điện thoại", "sđt": "số điện thoại", "dt": "điện thoại",
    "đt": "điện thoại", "dthoai": "điện thoại", "đthoai": "điện thoại", "tk": "tài khoản",
    "tkhoan": "tài khoản", "stk": "số tài khoản", "ck": "chuyển khoản", "ckhoan": "chuyển khoản",
    "ttoan": "thanh toán", "hso": "hồ sơ", "hsơ": "hồ sơ", "ttin": "thông tin", "tnhan": "tin nhắn",
    "ktra": "kiểm tra", "xnhan": "xác nhận", "tgian": "thời gian",
    # documents and services
    "cccd": "căn cước công dân", "cmnd": "chứng minh nhân dân", "dvc": "dịch vụ công",
    "dvcqg": "dịch vụ công quốc gia", "dvctt": "dịch vụ công trực tuyến", "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội", "gplx": "giấy phép lái xe", "lltp": "lý lịch tư pháp",
    "ltp": "lý lịch tư pháp", "ks": "khai sinh", "cmt": "chứng minh thư",
    # app names and their misspellings
    "vnied": "vneid", "vneld": "vneid", "vnedi": "vneid", "vnid": "vneid", "vneiđ": "vneid",
    "veneid": "vneid", "vnieid": "vneid", "vsid": "vssid", "vssd": "vssid", "vsisd": "vssid",
    "vssi": "vssid", "chplay": "ch play", "appstore": "app store", "wiffi": "wifi",
    "wify": "wifi", "zalô": "zalo", "lv1": "mức 1", "lv2": "mức 2", "level1": "mức 1", "level2": "mức 2",
    # i/y spellings of one syllable: kí/ký, lí/lý, qui/quy
    "kí": "ký", "ki": "ky", "lí": "lý", "li": "ly", "kì": "kỳ", "kĩ": "kỹ", "mĩ": "mỹ",
    "qui": "quy", "quí": "quý",
    # --- round 10: written from a helper's knowledge of chat (never from a question set) ---
    # shortened words
    "tthai": "trạng thái", "tthái": "trạng thái", "dkí": "đăng ký", "dký": "đăng ký", "đký": "đăng ký",
    "dnhập": "đăng nhập", "mkhẩu": "mật khẩu", "tkhoản": "tài khoản", "ckhoản": "chuyển khoản", "ttoán": "thanh toán",
    "tnhắn": "tin nhắn", "ntin": "nhắn tin", "xnhận": "xác nhận", "dthoại": "điện thoại", "đthoại": "điện thoại",
    "dchi": "địa chỉ", "đchi": "địa chỉ", "dchỉ": "địa chỉ", "đchỉ": "địa chỉ", "kbiết": "không biết",
    "bnhieu": "bao nhiêu", "tsao": "tại sao", "htro": "hỗ trợ", "htrợ": "hỗ trợ", "tbao": "thông báo",
    "tbáo": "thông báo", "ktr": "kiểm tra", "tcuu": "tra cứu", "tcứu": "tra cứu", "xthuc": "xác thực",
    "xthực": "xác thực", "hkia": "hôm kia", "cthe": "có thể", "vde": "vấn đề", "bhiem": "bảo hiểm",
    "hkhau": "hộ khẩu", "ddanh": "định danh", "đdanh": "định danh", "hdon": "hóa đơn", "hđơn": "hóa đơn",
    "yte": "y tế",
    # first letters
    "hdsd": "hướng dẫn sử dụng", "tthc": "thủ tục hành chính", "tl": "trả lời", "vđ": "vấn đề",
    "kcj": "không có gì", "kđc": "không được", "dtdd": "điện thoại di động", "đtdđ": "điện thoại di động",
    "dddt": "định danh điện tử", "đdđt": "định danh điện tử", "vdt": "ví điện tử", "vđt": "ví điện tử",
    "tknh": "tài khoản ngân hàng", "nhnn": "ngân hàng nhà nước", "qg": "quốc gia", "dv": "dịch vụ",
    "cks": "chữ ký số", "cđs": "chuyển đổi số", "cds": "chuyển đổi số", "cns": "công nghệ số",
    "cnscđ": "công nghệ số cộng đồng", "bme": "bố mẹ", "vk": "vợ", "ae": "anh em", "t2": "thứ hai", "t3": "thứ ba",
    "t4": "thứ tư", "t5": "thứ năm", "t6": "thứ sáu", "t7": "thứ bảy", "vnd": "đồng", "vnđ": "đồng",
    # teencode
    "tks": "cảm ơn", "thks": "cảm ơn", "sr": "xin lỗi", "chx": "chưa", "khôg": "không", "khog": "không",
    "nhưg": "nhưng", "nhữg": "những", "cũg": "cũng", "đăg": "đăng", "thôg": "thông", "đúg": "đúng", "ôg": "ông",
    "zị": "vậy", "dzị": "vậy", "zay": "vậy", "bjờ": "bây giờ", "roy": "rồi", "hỉu": "hiểu", "mìh": "mình",
    "cj": "chị", "ox": "ông xã", "bx": "bà xã", "ad": "quản trị viên", "acc": "tài khoản",
    # particles
    "vg": "vâng", "ạh": "ạ",
    # documents
    "gks": "giấy khai sinh", "cmtnd": "chứng minh thư nhân dân", "cccđ": "căn cước công dân", "shk": "sổ hộ khẩu",
    "kt3": "sổ tạm trú", "blx": "bằng lái xe", "gcn": "giấy chứng nhận", "qsdd": "quyền sử dụng đất",
    "bhtn": "bảo hiểm thất nghiệp", "kcb": "khám chữa bệnh", "kcbbd": "khám chữa bệnh ban đầu",
    "dkks": "đăng ký khai sinh", "đkks": "đăng ký khai sinh", "dkkh": "đăng ký kết hôn", "đkkh": "đăng ký kết hôn",
    # institutions and places
    "cax": "công an xã", "cand": "công an nhân dân", "csgt": "cảnh sát giao thông", "tdp": "tổ dân phố",
    "tyt": "trạm y tế", "bpmc": "bộ phận một cửa", "hđnd": "hội đồng nhân dân", "hdnd": "hội đồng nhân dân",
    "mttq": "mặt trận tổ quốc", "tx": "thị xã", "tphcm": "thành phố hồ chí minh",
    "hcm": "hồ chí minh",
    # apps, networks and banks
    "zl": "zalo", "fb": "facebook", "mess": "messenger", "ytb": "youtube", "gg": "google", "ggplay": "google play",
    "wf": "wifi", "vcb": "vietcombank", "tcb": "techcombank", "vietcom": "vietcombank",
    # misspellings and words run together
    "vietel": "viettel", "mobiphone": "mobifone", "vinafone": "vinaphone", "viettinbank": "vietinbank",
    "argibank": "agribank", "youtobe": "youtube", "apstore": "app store", "camon": "cảm ơn", "cảmơn": "cảm ơn",
    "dangky": "đăng ký", "dangnhap": "đăng nhập", "matkhau": "mật khẩu", "capnhap": "cập nhật", "ngìn": "nghìn",
    "nghành": "ngành", "đuợc": "được", "dẩn": "dẫn",
}
