"""The clause behind every rule: the seed's own words where it has them, the local default where not.

The seed is 花园口镇《关于花园口镇制定村（居）务公开工作实施方案》(花政字〔2023〕103号).
"""

from __future__ import annotations

from gongkai.problem import Msg

FORMAT = Msg("gongkai 文件格式（见 README「仓库格式」）", "gongkai file format (README, 'Repository format')")
CATALOG = Msg("实施方案附件1《村务公开事项参考目录》、附件2《居务公开事项参考目录》",
              "seed attachments 1 and 2, the reference catalogs")
CATALOG_OF = {
    "village": Msg("实施方案附件1《村务公开事项参考目录》", "seed attachment 1, the village reference catalog"),
    "community": Msg("实施方案附件2《居务公开事项参考目录》", "seed attachment 2, the community reference catalog"),
}
PLAN_PROCEDURE = Msg("实施方案 二（二）：征求意见→制订方案→监委会审核、两委联席会议审议→村（居）民会议或代表会议审定→公布实施",
                     "seed 2.(2): consult, draft, supervisory review and joint meeting, assembly approval, publication")
PLAN_PUBLISH = Msg("实施方案 二（二）4：村（居）民委员会要在会后两日内将方案向村（居）民发布",
                   "seed 2.(2)4: the plan is published within two days after the meeting that approves it")
PLAN_DUE = Msg("实施方案 二（二）2：研究制定村（居）务公开年度工作方案（本地默认：每年{due}前）",
               "seed 2.(2)2: an annual disclosure plan (local default: by {due} each year)")
STANDING = Msg("实施方案 二（三）1：基本情况、自治规章制度、任期目标和年度计划等要长期公开",
               "seed 2.(3)1: basic information, rules and plans are kept posted")
QUARTERLY = Msg("实施方案 二（三）2：常规业务每季度公布一次，公开时间应该在每个季度后的十日内实施",
                "seed 2.(3)2: routine affairs each quarter, within ten days after the quarter")
FINANCE_QUARTERLY = Msg("实施方案 二（三）4：涉及财务支出、集体收益的事项应该至少每季度公开一次（季度后{days}日内）",
                        "seed 2.(3)4: finances at least quarterly (within {days} days after the quarter)")
MONTHLY = Msg("实施方案 二（三）4：财务往来较多的，收支情况应当每月公开一次（本地默认：月后{days}日内）",
              "seed 2.(3)4: busy finances monthly (local default: within {days} days after the month)")
IMMEDIATE = Msg("实施方案 二（三）5：会议决议、惠民政策、重大事项应该即时公开（本地默认：{days}日内）",
                "seed 2.(3)5: decisions, policies and major matters at once (local default: within {days} days)")
JOINT = Msg("实施方案 二（三）5：十分之一以上村（居）民或者五分之一以上村（居）民代表联名要求公开的事项应该即时公开",
            "seed 2.(3)5: a request signed by at least 1/10 of residents or 1/5 of representatives is disclosed at once")
PHASED = Msg("实施方案 二（三）3：历时较长的事项，按事前、事中、事后分阶段及时公开",
             "seed 2.(3)3: long projects are disclosed before, during and after")
FEEDBACK = Msg("实施方案 二（二）5：对群众反映的问题及时调查并做出解释和答复（本地默认：{days}日内）",
               "seed 2.(2)5: complaints and inquiries are answered promptly (local default: within {days} days)")
INSPECTION = Msg("实施方案 二（四）4：每年应集中开展一轮村（居）务公开工作执行情况全覆盖检查",
                 "seed 2.(4)4: every board is inspected once a year")
FIX = Msg("实施方案 二（四）4：对公开栏“破、旧、锈、乱”、设置不规范、无公开栏等情况及时进行整改",
          "seed 2.(4)4: damaged, old, rusty, messy, nonstandard or missing boards are put right")
ARCHIVE = Msg("实施方案 二（五）：做到公开栏公开、照相留存、计算机存储、资料存档等内容一致",
              "seed 2.(5): board, photos, computer copy and archive agree")
ACCURACY = Msg("实施方案 一：按照依法、全面、真实、准确、及时的原则公开",
               "seed 1: disclosure is lawful, complete, true, accurate and timely")
SUPERVISION = Msg("实施方案 二（二）5：村（居）务监督委员会要对公开方案实施情况进行全程监督",
                  "seed 2.(2)5: the supervisory committee oversees every disclosure")
PRIVACY = Msg("本地规则：公开内容不得含未遮盖的居民身份证号码或手机号码（《个人信息保护法》）",
              "local rule: no unmasked resident ID or mobile number in published text (Personal Information Protection Law)")
CHANNELS = Msg("实施方案 二（四）：公开栏、电子显示屏、微信群、微信公众号、政务网站专栏",
               "seed 2.(4): boards, screens, WeChat groups, official accounts, website column")


def fmt(basis: Msg, **params: object) -> Msg:
    return Msg(basis.zh.format(**params), basis.en.format(**params))
