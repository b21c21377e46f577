"""Colloquial queries and the batch-1 item each one means: the lookup's evaluation set.

Written the way residents and clerks type: extra words (开个, 要, 一下, 村里), aliases,
partial names, everyday phrasings and small typos. Kept apart from the matcher's phrase
table on purpose; when a query fails, fix the matcher, not the expectation.
"""

EVAL: list[tuple[str, str]] = [
    # 1 亲属关系证明
    ("开个亲属关系证明", "kinship_certificate"),
    ("村里能开亲属证明吗", "kinship_certificate"),
    ("证明我和我爸是父子关系", "kinship_certificate"),
    ("亲戚关系证明", "kinship_certificate"),
    ("亲属关糸证明", "kinship_certificate"),
    ("直系亲属证明要去哪开", "kinship_certificate"),
    # 2 居民身份信息证明（户籍证明）
    ("户籍证明", "identity_info_certificate"),
    ("村里开个户籍证明", "identity_info_certificate"),
    ("开一下户口证明", "identity_info_certificate"),
    ("身份信息证明", "identity_info_certificate"),
    ("居民身分信息证明", "identity_info_certificate"),
    # 3 户口登记项目内容变更申请证明
    ("户口登记项目变更证明", "hukou_entry_change_certificate"),
    ("改名字要社区开证明", "hukou_entry_change_certificate"),
    ("改出生日期需要证明吗", "hukou_entry_change_certificate"),
    ("户口登记内容变更申请证明", "hukou_entry_change_certificate"),
    ("身份证号码变更证明户口登记", "hukou_entry_change_certificate"),
    # 4 居民养犬证明
    ("养犬证明", "dog_keeping_certificate"),
    ("养狗要开证明", "dog_keeping_certificate"),
    ("办狗证要居委会证明", "dog_keeping_certificate"),
    ("居民养犬证名", "dog_keeping_certificate"),
    ("养只狗需要社区同意证明", "dog_keeping_certificate"),
    # 5 无犯罪记录证明
    ("无犯罪记录证明", "no_criminal_record_certificate"),
    ("证明我没犯过罪", "no_criminal_record_certificate"),
    ("开个无犯罪证明", "no_criminal_record_certificate"),
    ("良民证", "no_criminal_record_certificate"),
    ("无犯罪纪录证明", "no_criminal_record_certificate"),
    # 6 社区戒毒社区康复人员情况证明（表现证明）
    ("社区戒毒人员情况证明", "community_rehab_person_certificate"),
    ("戒毒康复人员表现证明", "community_rehab_person_certificate"),
    ("表现证明", "community_rehab_person_certificate"),
    ("社区康复人员情况证明", "community_rehab_person_certificate"),
    ("戒毒的人要开表现证明", "community_rehab_person_certificate"),
    # 7 人员失踪证明
    ("人员失踪证明", "missing_person_certificate"),
    ("家里人失踪了要开证明", "missing_person_certificate"),
    ("失踪证明", "missing_person_certificate"),
    ("开个人员失综证明", "missing_person_certificate"),
    ("老人失联好几年了要失踪证明", "missing_person_certificate"),
    # 8 婚姻状况证明（婚姻关系证明、分居证明）
    ("婚姻状况证明", "marital_status_certificate"),
    ("分居证明", "marital_status_certificate"),
    ("开个单身证明", "marital_status_certificate"),
    ("婚姻关系证明", "marital_status_certificate"),
    ("未婚证明", "marital_status_certificate"),
    ("婚姻壮况证明", "marital_status_certificate"),
    # 9 出生证明
    ("出生证明", "birth_certificate"),
    ("孩子的出生证明村里开", "birth_certificate"),
    ("开个出生证", "birth_certificate"),
    ("出身证明", "birth_certificate"),
    ("证明孩子是哪天出生的", "birth_certificate"),
    # 10 健在证明
    ("健在证明", "proof_of_life"),
    ("证明老人还活着", "proof_of_life"),
    ("生存证明", "proof_of_life"),
    ("领养老金要健在证明", "proof_of_life"),
    ("建在证明", "proof_of_life"),
    # 11 死亡证明
    ("死亡证明", "death_certificate"),
    ("我妈去世了要死亡证明", "death_certificate"),
    ("老人过世了开个证明", "death_certificate"),
    ("死亡证明村里开", "death_certificate"),
    ("死忙证明", "death_certificate"),
    # 12 疾病状况证明（急诊证明、意外伤害证明）
    ("疾病状况证明", "illness_status_certificate"),
    ("急诊证明", "illness_status_certificate"),
    ("意外伤害证明", "illness_status_certificate"),
    ("生病了要开证明", "illness_status_certificate"),
    ("疾病证明", "illness_status_certificate"),
    # 13 残疾状况证明
    ("残疾状况证明", "disability_status_certificate"),
    ("残疾证明", "disability_status_certificate"),
    ("证明我是残疾人", "disability_status_certificate"),
    ("残疾情况证明", "disability_status_certificate"),
    ("残急状况证明", "disability_status_certificate"),
    # 14 婚育状况证明（生育状况证明）
    ("婚育状况证明", "marriage_childbearing_certificate"),
    ("生育状况证明", "marriage_childbearing_certificate"),
    ("婚育证明", "marriage_childbearing_certificate"),
    ("生小孩要开生育证明", "marriage_childbearing_certificate"),
    ("计生证明", "marriage_childbearing_certificate"),
    # 15 居民就业状况证明
    ("就业状况证明", "employment_status_certificate"),
    ("失业证明", "employment_status_certificate"),
    ("开个没工作的证明", "employment_status_certificate"),
    ("居民就业证明", "employment_status_certificate"),
    ("下岗证明", "employment_status_certificate"),
    # 16 居民个人档案证明
    ("个人档案证明", "personal_archive_certificate"),
    ("档案证明", "personal_archive_certificate"),
    ("居民个人档按证明", "personal_archive_certificate"),
    ("开个人档案的证明", "personal_archive_certificate"),
    ("证明档案在哪", "personal_archive_certificate"),
    # 17 居民财产证明（经济状况证明、收入证明…）
    ("收入证明", "property_certificate"),
    ("收入证名", "property_certificate"),
    ("经济状况证明", "property_certificate"),
    ("银行要我的存款证明", "property_certificate"),
    ("房产证明", "property_certificate"),
    ("开个工资证明", "property_certificate"),
    ("车辆所有权证明", "property_certificate"),
    ("偿还能力证明", "property_certificate"),
    ("财产证明", "property_certificate"),
    # 18 遗产继承权证明
    ("遗产继承权证明", "inheritance_right_certificate"),
    ("继承证明", "inheritance_right_certificate"),
    ("继承遗产要开证明", "inheritance_right_certificate"),
    ("遗产继承证明", "inheritance_right_certificate"),
    ("继承权证明", "inheritance_right_certificate"),
    # 19 市场主体住所证明（经营场所证明…）
    ("经营场所证明", "business_premises_certificate"),
    ("住所证明办营业执照", "business_premises_certificate"),
    ("开店要经营场所证明", "business_premises_certificate"),
    ("住宅改经营性用房证明", "business_premises_certificate"),
    ("无扰民证明", "business_premises_certificate"),
    ("市场主体住所证明", "business_premises_certificate"),
    # 20 证件遗失证明
    ("证件遗失证明", "lost_document_certificate"),
    ("户口本丢了要开证明", "lost_document_certificate"),
    ("身份证丢了开遗失证明", "lost_document_certificate"),
    ("银行卡掉了要证明", "lost_document_certificate"),
    ("证件丢失证明", "lost_document_certificate"),
]
