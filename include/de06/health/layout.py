"""Field layouts of the QĐ 130/4750 tables the health book uses (clinic_xml.md §1-§5).

A field is ``(name, type, size, req)``: type ``S`` string / ``N`` number, size = max length
(``None`` unbounded), req ``R`` required / ``C`` conditional / ``-`` optional.
"""

from __future__ import annotations

Field = tuple[str, str, int | None, str]

#: LOAIHOSO -> inner root path (root, list, item) or (root,) for flat tables. No XML12.
INNER_ROOTS: dict[str, tuple[str, ...]] = {
    "XML1": ("TONG_HOP",),
    "XML2": ("CHITIEU_CHITIET_THUOC", "DSACH_CHI_TIET_THUOC", "CHI_TIET_THUOC"),
    "XML3": ("CHITIEU_CHITIET_DVKT_VTYT", "DSACH_CHI_TIET_DVKT", "CHI_TIET_DVKT"),
    "XML4": ("CHITIEU_CHITIET_DICHVUCANLAMSANG", "DSACH_CHI_TIET_CLS", "CHI_TIET_CLS"),
    "XML5": ("CHITIEU_CHITIET_DIENBIENLAMSANG", "DSACH_CHI_TIET_DIEN_BIEN_BENH", "CHI_TIET_DIEN_BIEN_BENH"),
    "XML6": ("CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS",),
    "XML7": ("CHI_TIEU_DU_LIEU_GIAY_RA_VIEN",),
    "XML8": ("CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN",),
    "XML9": ("CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH",),
    "XML10": ("CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI",),
    "XML11": ("CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI",),
    "XML13": ("CHI_TIEU_GIAYCHUYENTUYEN",),
    "XML14": ("CHI_TIEU_GIAYHEN_KHAMLAI",),
    "XML15": ("CHI_TIEU_DIEUTRI_BENHLAO", "DSACH_CHITIET_DIEUTRI_BENHLAO", "CHITIET_DIEUTRI_BENHLAO"),
}
TABLE_TYPES = frozenset(INNER_ROOTS)
USED_TABLES = frozenset({"XML1", "XML4", "XML13", "XML14"})

XML1: tuple[Field, ...] = (
    ("MA_LK", "S", 100, "R"),
    ("STT", "N", 10, "-"),
    ("MA_BN", "S", 100, "R"),
    ("HO_TEN", "S", 255, "R"),
    ("SO_CCCD", "S", 15, "C"),
    ("NGAY_SINH", "S", 12, "R"),
    ("GIOI_TINH", "N", 1, "R"),
    ("NHOM_MAU", "S", 5, "-"),
    ("MA_QUOCTICH", "S", 3, "R"),
    ("MA_DANTOC", "S", 2, "R"),
    ("MA_NGHE_NGHIEP", "S", 5, "R"),
    ("DIA_CHI", "S", 1024, "R"),
    ("MATINH_CU_TRU", "S", 3, "R"),
    ("MAHUYEN_CU_TRU", "S", 3, "R"),
    ("MAXA_CU_TRU", "S", 5, "R"),
    ("DIEN_THOAI", "S", 15, "-"),
    ("MA_THE_BHYT", "S", None, "C"),
    ("MA_DKBD", "S", None, "C"),
    ("GT_THE_TU", "S", None, "C"),
    ("GT_THE_DEN", "S", None, "C"),
    ("NGAY_MIEN_CCT", "S", 12, "-"),
    ("LY_DO_VV", "S", None, "R"),
    ("LY_DO_VNT", "S", None, "C"),
    ("MA_LY_DO_VNT", "S", 5, "-"),
    ("CHAN_DOAN_VAO", "S", None, "R"),
    ("CHAN_DOAN_RV", "S", None, "R"),
    ("MA_BENH_CHINH", "S", 7, "R"),
    ("MA_BENH_KT", "S", 100, "-"),
    ("MA_BENH_YHCT", "S", 255, "-"),
    ("MA_PTTT_QT", "S", 125, "-"),
    ("MA_DOITUONG_KCB", "S", 4, "C"),
    ("MA_NOI_DI", "S", 5, "C"),
    ("MA_NOI_DEN", "S", 5, "C"),
    ("MA_TAI_NAN", "N", 1, "-"),
    ("NGAY_VAO", "S", 12, "R"),
    ("NGAY_VAO_NOI_TRU", "S", 12, "C"),
    ("NGAY_RA", "S", 12, "R"),
    ("GIAY_CHUYEN_TUYEN", "S", 50, "C"),
    ("SO_NGAY_DTRI", "N", 3, "R"),
    ("PP_DIEU_TRI", "S", None, "-"),
    ("KET_QUA_DTRI", "N", 1, "R"),
    ("MA_LOAI_RV", "N", 1, "R"),
    ("GHI_CHU", "S", None, "-"),
    ("NGAY_TTOAN", "S", 12, "C"),
    ("T_THUOC", "N", 15, "R"),
    ("T_VTYT", "N", 15, "R"),
    ("T_TONGCHI_BV", "N", 15, "R"),
    ("T_TONGCHI_BH", "N", 15, "R"),
    ("T_BNTT", "N", 15, "R"),
    ("T_BNCCT", "N", 15, "R"),
    ("T_BHTT", "N", 15, "R"),
    ("T_NGUONKHAC", "N", 15, "R"),
    ("T_BHTT_GDV", "N", 15, "R"),
    ("NAM_QT", "N", 4, "R"),
    ("THANG_QT", "N", 2, "R"),
    ("MA_LOAI_KCB", "S", 2, "R"),
    ("MA_KHOA", "S", 50, "R"),
    ("MA_CSKCB", "S", 5, "R"),
    ("MA_KHUVUC", "S", 2, "-"),
    ("CAN_NANG", "S", 6, "R"),
    ("CAN_NANG_CON", "S", 100, "-"),
    ("NAM_NAM_LIEN_TUC", "S", 8, "-"),
    ("NGAY_TAI_KHAM", "S", 50, "-"),
    ("MA_HSBA", "S", 100, "R"),
    ("MA_TTDV", "S", 10, "C"),
    ("DU_PHONG", "S", None, "-"),
)

XML4: tuple[Field, ...] = (
    ("MA_LK", "S", 100, "R"),
    ("STT", "N", 10, "R"),
    ("MA_DICH_VU", "S", 15, "-"),
    ("MA_CHI_SO", "S", 50, "-"),
    ("TEN_CHI_SO", "S", 255, "R"),
    ("GIA_TRI", "S", 50, "-"),
    ("DON_VI_DO", "S", 50, "-"),
    ("MO_TA", "S", None, "-"),
    ("KET_LUAN", "S", None, "-"),
    ("NGAY_KQ", "S", 12, "C"),
    ("MA_BS_DOC_KQ", "S", 255, "-"),
    ("DU_PHONG", "S", None, "-"),
)

XML13: tuple[Field, ...] = (
    ("MA_LK", "S", 100, "R"),
    ("SO_HOSO", "S", 50, "R"),
    ("SO_CHUYENTUYEN", "S", 50, "R"),
    ("GIAY_CHUYEN_TUYEN", "S", 50, "R"),
    ("MA_CSKCB", "S", 5, "R"),
    ("MA_NOI_DI", "S", 5, "-"),
    ("MA_NOI_DEN", "S", 5, "R"),
    ("HO_TEN", "S", 255, "R"),
    ("NGAY_SINH", "S", 12, "R"),
    ("GIOI_TINH", "N", 1, "R"),
    ("MA_QUOCTICH", "S", 3, "-"),
    ("MA_DANTOC", "S", 2, "-"),
    ("MA_NGHE_NGHIEP", "S", 5, "-"),
    ("DIA_CHI", "S", 1024, "-"),
    ("MA_THE_BHYT", "S", None, "-"),
    ("GT_THE_DEN", "S", None, "-"),
    ("NGAY_VAO", "S", 12, "R"),
    ("NGAY_VAO_NOI_TRU", "S", 12, "-"),
    ("NGAY_RA", "S", 12, "R"),
    ("DAU_HIEU_LS", "S", None, "R"),
    ("CHAN_DOAN_RV", "S", None, "-"),
    ("QT_BENHLY", "S", None, "R"),
    ("TOMTAT_KQ", "S", None, "-"),
    ("PP_DIEUTRI", "S", None, "-"),
    ("MA_BENH_CHINH", "S", 7, "-"),
    ("MA_BENH_KT", "S", 100, "-"),
    ("MA_BENH_YHCT", "S", 255, "-"),
    ("TEN_DICH_VU", "S", 1024, "R"),
    ("TEN_THUOC", "S", 1024, "-"),
    ("PP_DIEU_TRI", "S", None, "-"),
    ("MA_LOAI_RV", "N", 1, "-"),
    ("MA_LYDO_CT", "N", 1, "R"),
    ("HUONG_DIEU_TRI", "S", None, "R"),
    ("PHUONGTIEN_VC", "S", 255, "R"),
    ("HOTEN_NGUOI_HT", "S", 255, "-"),
    ("CHUCDANH_NGUOI_HT", "S", 255, "-"),
    ("MA_BAC_SI", "S", 255, "R"),
    ("MA_TTDV", "S", 10, "R"),
    ("DU_PHONG", "S", None, "-"),
)

XML14: tuple[Field, ...] = (
    ("MA_LK", "S", 100, "R"),
    ("SO_GIAYHEN_KL", "S", 50, "R"),
    ("MA_CSKCB", "S", 5, "R"),
    ("HO_TEN", "S", 255, "R"),
    ("NGAY_SINH", "S", 12, "R"),
    ("GIOI_TINH", "N", 1, "R"),
    ("DIA_CHI", "S", 1024, "-"),
    ("MA_THE_BHYT", "S", None, "-"),
    ("GT_THE_DEN", "S", None, "-"),
    ("NGAY_VAO", "S", 12, "R"),
    ("NGAY_VAO_NOI_TRU", "S", 12, "-"),
    ("NGAY_RA", "S", 12, "R"),
    ("NGAY_HEN_KL", "S", 12, "R"),
    ("CHAN_DOAN_RV", "S", None, "-"),
    ("MA_BENH_CHINH", "S", 7, "-"),
    ("MA_BENH_KT", "S", 100, "-"),
    ("MA_BENH_YHCT", "S", 255, "-"),
    ("MA_DOITUONG_KCB", "S", 4, "-"),
    ("MA_BAC_SI", "S", 255, "R"),
    ("MA_TTDV", "S", 10, "R"),
    ("NGAY_CT", "S", 8, "R"),
    ("DU_PHONG", "S", None, "-"),
)

LAYOUTS: dict[str, tuple[Field, ...]] = {"XML1": XML1, "XML4": XML4, "XML13": XML13, "XML14": XML14}

#: Fields XML13 / XML14 copy from XML1 of the same episode (must be equal when present).
SHARED_13 = (
    "HO_TEN",
    "NGAY_SINH",
    "GIOI_TINH",
    "MA_QUOCTICH",
    "MA_DANTOC",
    "MA_NGHE_NGHIEP",
    "DIA_CHI",
    "MA_THE_BHYT",
    "GT_THE_DEN",
    "NGAY_VAO",
    "NGAY_VAO_NOI_TRU",
    "NGAY_RA",
    "CHAN_DOAN_RV",
    "MA_BENH_CHINH",
    "MA_BENH_KT",
    "MA_BENH_YHCT",
    "MA_NOI_DI",
    "MA_NOI_DEN",
    "MA_LOAI_RV",
)
SHARED_14 = (
    "HO_TEN",
    "NGAY_SINH",
    "GIOI_TINH",
    "DIA_CHI",
    "MA_THE_BHYT",
    "GT_THE_DEN",
    "NGAY_VAO",
    "NGAY_VAO_NOI_TRU",
    "NGAY_RA",
    "CHAN_DOAN_RV",
    "MA_BENH_CHINH",
    "MA_BENH_KT",
    "MA_BENH_YHCT",
    "MA_DOITUONG_KCB",
)

# Code lists (§5).
GIOI_TINH = frozenset({"1", "2", "3"})
MA_LOAI_KCB = frozenset(f"{i:02d}" for i in range(1, 11))
KET_QUA_DTRI = frozenset(str(i) for i in range(1, 9))
MA_LOAI_RV = frozenset(str(i) for i in range(1, 6))
MA_LYDO_CT = frozenset({"1", "2", "3"})
MA_DOITUONG_KCB = frozenset(
    [f"1.{i}" for i in range(1, 11)]
    + ["2"]
    + [f"3.{i}" for i in range(1, 8)]
    + [f"7.{i}" for i in range(1, 5)]
    + ["8", "9"]
)
#: BHYT beneficiary groups (bhyt.md §1, the 43 codes of the level table).
BHYT_GROUPS = frozenset(
    "CC TE CK CB KC HN DT DK XD BT TS HT TC CN DN HX CH NN TK HC XK TB NO XB TN CS XN MS HD TQ TA TY "
    "HG LS PV HS SV GB GD CT QN CA CY".split()
)
