"""The documents a campaign prints (申报表, 公示, 命名通知, certificates, 备案登记表)."""
