/**
 * North American Numbering Plan (NANP, country code +1) geographic area codes, for caller-ID "local
 * presence": which region, country and time zone a +1 number's area code belongs to.
 *
 * Data as of 2026-11-21. Every geographic area code (NPA) in service on that date is listed, including
 * overlays; planned codes not yet in service and non-geographic codes are not (see NON_GEOGRAPHIC and the
 * notes at the end of this file).
 *
 * Sources (public facts; the table was written for CapConduit and is not copied code):
 *  - NANPA, the North American Numbering Plan Administrator (nationalnanpa.com): its NPA database export
 *    dated 2025-11-26 (per code: assignment, in-service flag and date, location, overlay complex, time-zone
 *    letters). Three codes it still listed as scheduled entered service since, on the dates NANPA gave, as
 *    state-commission, carrier and press notices confirm: 471 (MS, overlays 662, 2026-01-30), 483 (AL,
 *    overlays 334, 2026-02-23) and 465 (NY, joins the 718 complex, 2026-06-18).
 *  - CNA, the Canadian Numbering Administrator (and CRTC decisions) for Canadian codes; NANPA's database
 *    records the same Canadian assignments, and they were cross-checked against published lists of area
 *    codes by province.
 *  - Cross-check: every +1 area code accepted by libphonenumber's metadata (mid-2026) is in this table.
 *  - Time zones: IANA tz database names, chosen here per area code from NANPA's time-zone letters. Where an
 *    area code spans two zones the zone covering most of its people is used, and a comment above the line
 *    says so.
 *
 * Table format, one area code per line: `code region country timezone [overlays]`.
 *  - region: US state (or DC) / Canadian province or territory postal code; for US territories and the
 *    other NANP countries, the ISO 3166-1 alpha-2 code (then region === country). Note KY (Kentucky /
 *    Cayman Islands) and MS (Mississippi / Montserrat) are each both a US state and a country code, so a
 *    region is only unambiguous together with its country.
 *  - country: ISO 3166-1 alpha-2. US territories carry their own codes (PR, VI, GU, MP, AS), as libphonenumber
 *    does.
 *  - overlays (optional): the original code(s) of the area this code overlays; overlays always share their
 *    base code's region and time zone.
 *  - `#` starts a comment.
 *
 * 867 (Yukon, Northwest Territories and Nunavut) is one area code for three territories and four zones. It is
 * listed under NT with America/Edmonton (Yellowknife's Mountain time; America/Yellowknife is an IANA alias of
 * it): at the 2021 census NT had about 41k people, YT about 40k (America/Whitehorse, UTC-7 all year) and NU
 * about 37k (spread over Eastern, Central and Mountain time), so Mountain time with DST (NT plus western
 * Nunavut) covers the most people. SHARED_REGIONS lists YT and NU for 867, and PE for 782/902.
 */

export interface AreaCodeInfo {
  areaCode: string;
  region: string;
  country: string;
  timezone: string;
}

/** The source table (format described above). Exported for tests and tooling; use NANP_AREA_CODES. */
export const AREA_CODE_TABLE = `
# ===== United States: 50 states and DC (country US) =====

# Alabama
205 AL US America/Chicago
251 AL US America/Chicago
256 AL US America/Chicago
334 AL US America/Chicago
483 AL US America/Chicago                 334
659 AL US America/Chicago                 205
938 AL US America/Chicago                 256

# Alaska
# 907: the western Aleutians keep Hawaii-Aleutian time (America/Adak).
907 AK US America/Anchorage

# Arizona
480 AZ US America/Phoenix
520 AZ US America/Phoenix
602 AZ US America/Phoenix
623 AZ US America/Phoenix
# 928: Arizona keeps no DST, but the Navajo Nation in the north-east does.
928 AZ US America/Phoenix

# Arkansas
327 AR US America/Chicago                 870
479 AR US America/Chicago
501 AR US America/Chicago
870 AR US America/Chicago

# California
209 CA US America/Los_Angeles
213 CA US America/Los_Angeles
279 CA US America/Los_Angeles             916
310 CA US America/Los_Angeles
323 CA US America/Los_Angeles
341 CA US America/Los_Angeles             510
350 CA US America/Los_Angeles             209
357 CA US America/Los_Angeles             559
369 CA US America/Los_Angeles             707
408 CA US America/Los_Angeles
415 CA US America/Los_Angeles
424 CA US America/Los_Angeles             310
442 CA US America/Los_Angeles             760
510 CA US America/Los_Angeles
530 CA US America/Los_Angeles
559 CA US America/Los_Angeles
562 CA US America/Los_Angeles
619 CA US America/Los_Angeles
626 CA US America/Los_Angeles
628 CA US America/Los_Angeles             415
650 CA US America/Los_Angeles
657 CA US America/Los_Angeles             714
661 CA US America/Los_Angeles
669 CA US America/Los_Angeles             408
707 CA US America/Los_Angeles
714 CA US America/Los_Angeles
738 CA US America/Los_Angeles             213,323
747 CA US America/Los_Angeles             818
760 CA US America/Los_Angeles
805 CA US America/Los_Angeles
818 CA US America/Los_Angeles
820 CA US America/Los_Angeles             805
831 CA US America/Los_Angeles
837 CA US America/Los_Angeles             530
840 CA US America/Los_Angeles             909
858 CA US America/Los_Angeles
909 CA US America/Los_Angeles
916 CA US America/Los_Angeles
925 CA US America/Los_Angeles
949 CA US America/Los_Angeles
951 CA US America/Los_Angeles

# Colorado
303 CO US America/Denver
719 CO US America/Denver
720 CO US America/Denver                  303
748 CO US America/Denver                  970
970 CO US America/Denver
983 CO US America/Denver                  303

# Connecticut
203 CT US America/New_York
475 CT US America/New_York                203
860 CT US America/New_York
959 CT US America/New_York                860

# Delaware
302 DE US America/New_York

# District of Columbia
202 DC US America/New_York
771 DC US America/New_York                202

# Florida
239 FL US America/New_York
305 FL US America/New_York
321 FL US America/New_York
324 FL US America/New_York                904
352 FL US America/New_York
386 FL US America/New_York
407 FL US America/New_York
# 448/850 split zone: Central, west of the Apalachicola River (Pensacola, Fort Walton Beach, Panama City:
#   about 1.1M people by 2020 county counts), outweighs Eastern (Tallahassee: about 0.45M).
448 FL US America/Chicago                 850
561 FL US America/New_York
645 FL US America/New_York                305
656 FL US America/New_York                813
689 FL US America/New_York                407
727 FL US America/New_York
728 FL US America/New_York                561
754 FL US America/New_York                954
772 FL US America/New_York
786 FL US America/New_York                305
813 FL US America/New_York
850 FL US America/Chicago
863 FL US America/New_York
904 FL US America/New_York
941 FL US America/New_York
954 FL US America/New_York

# Georgia
229 GA US America/New_York
404 GA US America/New_York
470 GA US America/New_York                404,770
478 GA US America/New_York
678 GA US America/New_York                404,770
706 GA US America/New_York
762 GA US America/New_York                706
770 GA US America/New_York
912 GA US America/New_York
943 GA US America/New_York                404,770

# Hawaii
808 HI US Pacific/Honolulu

# Idaho
# 208/986 split zone: Mountain covers most people (Boise, Idaho Falls); the northern panhandle keeps
#   Pacific.
208 ID US America/Boise
986 ID US America/Boise                   208

# Illinois
217 IL US America/Chicago
224 IL US America/Chicago                 847
309 IL US America/Chicago
312 IL US America/Chicago
331 IL US America/Chicago                 630
447 IL US America/Chicago                 217
464 IL US America/Chicago                 708
618 IL US America/Chicago
630 IL US America/Chicago
708 IL US America/Chicago
730 IL US America/Chicago                 618
773 IL US America/Chicago
779 IL US America/Chicago                 815
815 IL US America/Chicago
847 IL US America/Chicago
861 IL US America/Chicago                 309
872 IL US America/Chicago                 312,773

# Indiana
# 219: nearly all of it (Gary, Hammond, Michigan City) keeps Central time.
219 IN US America/Chicago
260 IN US America/Indiana/Indianapolis
317 IN US America/Indiana/Indianapolis
463 IN US America/Indiana/Indianapolis    317
# 574 split zone: Eastern covers most people (South Bend, Elkhart); Starke County keeps Central.
574 IN US America/Indiana/Indianapolis
765 IN US America/Indiana/Indianapolis
# 812/930 split zone: Eastern covers most people (Bloomington, Columbus, Terre Haute, New Albany); the
#   Evansville corner keeps Central.
812 IN US America/Indiana/Indianapolis
930 IN US America/Indiana/Indianapolis    812

# Iowa
319 IA US America/Chicago
515 IA US America/Chicago
563 IA US America/Chicago
641 IA US America/Chicago
712 IA US America/Chicago

# Kansas
316 KS US America/Chicago
# 620 split zone: Central covers most people (Wichita suburbs, Hutchinson); Greeley and Hamilton counties
#   keep Mountain.
620 KS US America/Chicago
# 785 split zone: Central covers most people (Topeka, Lawrence); Sherman and Wallace counties keep
#   Mountain.
785 KS US America/Chicago
913 KS US America/Chicago

# Kentucky
# 270/364 split zone: Central covers most people (Bowling Green, Owensboro, Paducah); Eastern around
#   Elizabethtown.
270 KY US America/Chicago
364 KY US America/Chicago                 270
# 502: Louisville, Eastern time.
502 KY US America/Kentucky/Louisville
# 606 split zone: Eastern covers most people (Ashland, Pikeville, Somerset); a few south-western counties
#   keep Central.
606 KY US America/New_York
859 KY US America/New_York

# Louisiana
225 LA US America/Chicago
318 LA US America/Chicago
337 LA US America/Chicago
457 LA US America/Chicago                 318
504 LA US America/Chicago
985 LA US America/Chicago

# Maine
207 ME US America/New_York

# Maryland
227 MD US America/New_York                301
240 MD US America/New_York                301
301 MD US America/New_York
410 MD US America/New_York
443 MD US America/New_York                410
667 MD US America/New_York                410

# Massachusetts
339 MA US America/New_York                781
351 MA US America/New_York                978
413 MA US America/New_York
508 MA US America/New_York
617 MA US America/New_York
774 MA US America/New_York                508
781 MA US America/New_York
857 MA US America/New_York                617
978 MA US America/New_York

# Michigan
231 MI US America/Detroit
248 MI US America/Detroit
269 MI US America/Detroit
313 MI US America/Detroit
517 MI US America/Detroit
586 MI US America/Detroit
616 MI US America/Detroit
679 MI US America/Detroit                 313
734 MI US America/Detroit
810 MI US America/Detroit
# 906 split zone: Eastern covers most people (Marquette, Sault Ste. Marie); the four counties on the
#   Wisconsin line keep Central.
906 MI US America/Detroit
947 MI US America/Detroit                 248
989 MI US America/Detroit

# Minnesota
218 MN US America/Chicago
320 MN US America/Chicago
507 MN US America/Chicago
612 MN US America/Chicago
651 MN US America/Chicago
763 MN US America/Chicago
924 MN US America/Chicago                 507
952 MN US America/Chicago

# Mississippi
228 MS US America/Chicago
471 MS US America/Chicago                 662
601 MS US America/Chicago
662 MS US America/Chicago
769 MS US America/Chicago                 601

# Missouri
235 MO US America/Chicago                 573
314 MO US America/Chicago
417 MO US America/Chicago
557 MO US America/Chicago                 314
573 MO US America/Chicago
636 MO US America/Chicago
660 MO US America/Chicago
816 MO US America/Chicago
975 MO US America/Chicago                 816

# Montana
406 MT US America/Denver

# Nebraska
# 308 split zone: Central covers most people (Grand Island, Kearney, North Platte); the Panhandle
#   (Scottsbluff) keeps Mountain.
308 NE US America/Chicago
402 NE US America/Chicago
531 NE US America/Chicago                 402

# Nevada
702 NV US America/Los_Angeles
725 NV US America/Los_Angeles             702
# 775: West Wendover alone keeps Mountain time.
775 NV US America/Los_Angeles

# New Hampshire
603 NH US America/New_York

# New Jersey
201 NJ US America/New_York
551 NJ US America/New_York                201
609 NJ US America/New_York
640 NJ US America/New_York                609
732 NJ US America/New_York
848 NJ US America/New_York                732
856 NJ US America/New_York
862 NJ US America/New_York                973
908 NJ US America/New_York
973 NJ US America/New_York

# New Mexico
505 NM US America/Denver
575 NM US America/Denver

# New York
212 NY US America/New_York
315 NY US America/New_York
329 NY US America/New_York                845
332 NY US America/New_York                212
347 NY US America/New_York                718
363 NY US America/New_York                516
465 NY US America/New_York                718
516 NY US America/New_York
518 NY US America/New_York
585 NY US America/New_York
607 NY US America/New_York
624 NY US America/New_York                716
631 NY US America/New_York
646 NY US America/New_York                212
680 NY US America/New_York                315
716 NY US America/New_York
718 NY US America/New_York
838 NY US America/New_York                518
845 NY US America/New_York
914 NY US America/New_York
917 NY US America/New_York                212,718
929 NY US America/New_York                718
934 NY US America/New_York                631

# North Carolina
252 NC US America/New_York
336 NC US America/New_York
472 NC US America/New_York                910
704 NC US America/New_York
743 NC US America/New_York                336
828 NC US America/New_York
910 NC US America/New_York
919 NC US America/New_York
980 NC US America/New_York                704
984 NC US America/New_York                919

# North Dakota
# 701 split zone: Central covers most people (Fargo, Bismarck); the south-west (Dickinson) keeps Mountain.
701 ND US America/Chicago

# Ohio
216 OH US America/New_York
220 OH US America/New_York                740
234 OH US America/New_York                330
283 OH US America/New_York                513
326 OH US America/New_York                937
330 OH US America/New_York
380 OH US America/New_York                614
419 OH US America/New_York
436 OH US America/New_York                440
440 OH US America/New_York
513 OH US America/New_York
567 OH US America/New_York                419
614 OH US America/New_York
740 OH US America/New_York
937 OH US America/New_York

# Oklahoma
405 OK US America/Chicago
539 OK US America/Chicago                 918
572 OK US America/Chicago                 405
580 OK US America/Chicago
918 OK US America/Chicago

# Oregon
# 458/541 split zone: Pacific covers most people; most of Malheur County (Ontario) keeps Mountain.
458 OR US America/Los_Angeles             541
503 OR US America/Los_Angeles
541 OR US America/Los_Angeles
971 OR US America/Los_Angeles             503

# Pennsylvania
215 PA US America/New_York
223 PA US America/New_York                717
267 PA US America/New_York                215
272 PA US America/New_York                570
412 PA US America/New_York
445 PA US America/New_York                215
484 PA US America/New_York                610
570 PA US America/New_York
582 PA US America/New_York                814
610 PA US America/New_York
717 PA US America/New_York
724 PA US America/New_York
814 PA US America/New_York
835 PA US America/New_York                610
878 PA US America/New_York                412,724

# Rhode Island
401 RI US America/New_York

# South Carolina
803 SC US America/New_York
821 SC US America/New_York                864
839 SC US America/New_York                803
843 SC US America/New_York
854 SC US America/New_York                843
864 SC US America/New_York

# South Dakota
# 605 split zone: Central covers most people (Sioux Falls); West River (Rapid City) keeps Mountain.
605 SD US America/Chicago

# Tennessee
# 423/729 split zone: Eastern covers most people (Chattanooga, Tri-Cities); a few counties west of
#   Chattanooga keep Central.
423 TN US America/New_York
615 TN US America/Chicago
629 TN US America/Chicago                 615
729 TN US America/New_York                423
731 TN US America/Chicago
865 TN US America/New_York
901 TN US America/Chicago
# 931 split zone: Central covers most people (Clarksville, Cookeville, Tullahoma); NANPA lists a small
#   Eastern part.
931 TN US America/Chicago

# Texas
210 TX US America/Chicago
214 TX US America/Chicago
254 TX US America/Chicago
281 TX US America/Chicago
325 TX US America/Chicago
346 TX US America/Chicago                 713
361 TX US America/Chicago
409 TX US America/Chicago
430 TX US America/Chicago                 903
432 TX US America/Chicago
469 TX US America/Chicago                 214
512 TX US America/Chicago
621 TX US America/Chicago                 713
682 TX US America/Chicago                 817
713 TX US America/Chicago
726 TX US America/Chicago                 210
737 TX US America/Chicago                 512
806 TX US America/Chicago
817 TX US America/Chicago
830 TX US America/Chicago
832 TX US America/Chicago                 713
903 TX US America/Chicago
# 915: El Paso keeps Mountain time, unlike the rest of Texas.
915 TX US America/Denver
936 TX US America/Chicago
940 TX US America/Chicago
945 TX US America/Chicago                 214
956 TX US America/Chicago
972 TX US America/Chicago
979 TX US America/Chicago

# Utah
385 UT US America/Denver                  801
435 UT US America/Denver
801 UT US America/Denver

# Vermont
802 VT US America/New_York

# Virginia
276 VA US America/New_York
434 VA US America/New_York
540 VA US America/New_York
571 VA US America/New_York                703
686 VA US America/New_York                804
703 VA US America/New_York
757 VA US America/New_York
804 VA US America/New_York
826 VA US America/New_York                540
948 VA US America/New_York                757

# Washington
206 WA US America/Los_Angeles
253 WA US America/Los_Angeles
360 WA US America/Los_Angeles
425 WA US America/Los_Angeles
509 WA US America/Los_Angeles
564 WA US America/Los_Angeles             360,206

# West Virginia
304 WV US America/New_York
681 WV US America/New_York                304

# Wisconsin
262 WI US America/Chicago
274 WI US America/Chicago                 920
353 WI US America/Chicago                 608
414 WI US America/Chicago
534 WI US America/Chicago                 715
608 WI US America/Chicago
715 WI US America/Chicago
920 WI US America/Chicago

# Wyoming
307 WY US America/Denver

# ===== US territories (own ISO 3166 country code; region = that code) =====

# American Samoa
684 AS AS Pacific/Pago_Pago

# Guam
671 GU GU Pacific/Guam

# Northern Mariana Islands
670 MP MP Pacific/Saipan

# Puerto Rico
787 PR PR America/Puerto_Rico
939 PR PR America/Puerto_Rico             787

# U.S. Virgin Islands
340 VI VI America/St_Thomas

# ===== Canada (country CA) =====

# Alberta
368 AB CA America/Edmonton                403,780
403 AB CA America/Edmonton
587 AB CA America/Edmonton                403,780
780 AB CA America/Edmonton
825 AB CA America/Edmonton                403,780

# British Columbia
236 BC CA America/Vancouver               604,250
# 250 split zone: Pacific covers most people; the Peace River country and the East Kootenays keep Mountain
#   time.
250 BC CA America/Vancouver
257 BC CA America/Vancouver               604,250
604 BC CA America/Vancouver
672 BC CA America/Vancouver               604,250
778 BC CA America/Vancouver               604,250

# Manitoba
204 MB CA America/Winnipeg
431 MB CA America/Winnipeg                204
584 MB CA America/Winnipeg                204

# New Brunswick
428 NB CA America/Moncton                 506
506 NB CA America/Moncton

# Newfoundland and Labrador
# 709/879: most of Labrador keeps Atlantic time.
709 NL CA America/St_Johns
879 NL CA America/St_Johns                709

# Nova Scotia (also Prince Edward Island)
# 782/902 also serve Prince Edward Island: see SHARED_REGIONS.
782 NS CA America/Halifax                 902
902 NS CA America/Halifax

# Northwest Territories (also Yukon and Nunavut)
# 867 spans YT, NT and NU: see the note above the table.
867 NT CA America/Edmonton

# Ontario
226 ON CA America/Toronto                 519
249 ON CA America/Toronto                 705
289 ON CA America/Toronto                 905
343 ON CA America/Toronto                 613
365 ON CA America/Toronto                 905
382 ON CA America/Toronto                 519
416 ON CA America/Toronto
437 ON CA America/Toronto                 416
519 ON CA America/Toronto
548 ON CA America/Toronto                 519
613 ON CA America/Toronto
647 ON CA America/Toronto                 416
683 ON CA America/Toronto                 705
705 ON CA America/Toronto
742 ON CA America/Toronto                 905
753 ON CA America/Toronto                 613
# 807 split zone: Eastern covers most people (Thunder Bay); Kenora, Dryden and Fort Frances keep Central.
807 ON CA America/Toronto
905 ON CA America/Toronto
942 ON CA America/Toronto                 416

# Quebec
263 QC CA America/Toronto                 514
354 QC CA America/Toronto                 450
# 367/418/581: the Magdalen Islands and the Lower North Shore keep Atlantic time.
367 QC CA America/Toronto                 418
418 QC CA America/Toronto
438 QC CA America/Toronto                 514
450 QC CA America/Toronto
468 QC CA America/Toronto                 819
514 QC CA America/Toronto
579 QC CA America/Toronto                 450
581 QC CA America/Toronto                 418
819 QC CA America/Toronto
873 QC CA America/Toronto                 819

# Saskatchewan
# 306/474/639: Lloydminster follows Alberta time.
306 SK CA America/Regina
474 SK CA America/Regina                  306
639 SK CA America/Regina                  306

# ===== Other NANP members (region = country = ISO 3166 code) =====

# Anguilla
264 AI AI America/Anguilla

# Antigua and Barbuda
268 AG AG America/Antigua

# Bahamas
242 BS BS America/Nassau

# Barbados
246 BB BB America/Barbados

# Bermuda
441 BM BM Atlantic/Bermuda

# British Virgin Islands
284 VG VG America/Tortola

# Cayman Islands
345 KY KY America/Cayman

# Dominica
767 DM DM America/Dominica

# Dominican Republic
809 DO DO America/Santo_Domingo
829 DO DO America/Santo_Domingo           809
849 DO DO America/Santo_Domingo           809

# Grenada
473 GD GD America/Grenada

# Jamaica
658 JM JM America/Jamaica                 876
876 JM JM America/Jamaica

# Montserrat
664 MS MS America/Montserrat

# Saint Kitts and Nevis
869 KN KN America/St_Kitts

# Saint Lucia
758 LC LC America/St_Lucia

# Saint Vincent and the Grenadines
784 VC VC America/St_Vincent

# Sint Maarten
721 SX SX America/Lower_Princes

# Trinidad and Tobago
868 TT TT America/Port_of_Spain

# Turks and Caicos Islands
649 TC TC America/Grand_Turk
`;

const AREA_CODE = /^[2-9]\d{2}$/;
const ISO_LIKE = /^[A-Z]{2}$/;

export interface ParsedAreaCodeTable {
  codes: ReadonlyMap<string, AreaCodeInfo>;
  overlays: ReadonlyMap<string, readonly string[]>;
}

/** Parses a table in the format above; throws on a malformed line or a duplicate area code. */
export function parseAreaCodeTable(table: string): ParsedAreaCodeTable {
  const codes = new Map<string, AreaCodeInfo>();
  const overlays = new Map<string, readonly string[]>();
  for (const [index, raw] of table.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [areaCode, region, country, timezone, overlaid, ...extra] = line.split(/\s+/);
    if (
      areaCode === undefined ||
      region === undefined ||
      country === undefined ||
      timezone === undefined ||
      extra.length > 0 ||
      !AREA_CODE.test(areaCode) ||
      !ISO_LIKE.test(region) ||
      !ISO_LIKE.test(country) ||
      !timezone.includes('/')
    ) {
      throw new Error(`NANP table line ${index + 1} is malformed: ${raw}`);
    }
    if (codes.has(areaCode)) throw new Error(`NANP table line ${index + 1} repeats area code ${areaCode}`);
    codes.set(areaCode, Object.freeze({ areaCode, region, country, timezone }));
    if (overlaid !== undefined) {
      const bases = overlaid.split(',');
      if (!bases.every((base) => AREA_CODE.test(base))) {
        throw new Error(`NANP table line ${index + 1} has a malformed overlay list: ${raw}`);
      }
      overlays.set(areaCode, Object.freeze(bases));
    }
  }
  return { codes, overlays };
}

const PARSED = parseAreaCodeTable(AREA_CODE_TABLE);

/** Every geographic NANP area code in service, keyed by its three digits. */
export const NANP_AREA_CODES: ReadonlyMap<string, AreaCodeInfo> = PARSED.codes;

/** Overlay code -> the original code(s) of the area it overlays (e.g. '917' -> ['212', '718']). */
export const OVERLAY_OF: ReadonlyMap<string, readonly string[]> = PARSED.overlays;

/** Area codes that also serve regions other than the one listed in NANP_AREA_CODES. */
export const SHARED_REGIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['782', ['PE']],
  ['867', ['YT', 'NU']],
  ['902', ['PE']],
]);

/**
 * Non-geographic NANP codes (and the N11 / 988 dialing codes, which are not area codes at all), with what
 * they are used for. None of them is in NANP_AREA_CODES.
 */
export const NON_GEOGRAPHIC: ReadonlyMap<string, string> = new Map([
  ['211', 'N11 dialing code: community information and referral'],
  ['311', 'N11 dialing code: non-emergency municipal services'],
  ['411', 'N11 dialing code: directory assistance'],
  ['500', 'Personal communications services (5XX, non-geographic)'],
  ['511', 'N11 dialing code: traffic and travel information'],
  ['521', 'Personal communications services (5XX, non-geographic)'],
  ['522', 'Personal communications services (5XX, non-geographic)'],
  ['523', 'Personal communications services (5XX, non-geographic)'],
  ['524', 'Personal communications services (5XX, non-geographic)'],
  ['525', 'Personal communications services (5XX, non-geographic)'],
  ['526', 'Personal communications services (5XX, non-geographic)'],
  ['527', 'Personal communications services (5XX, non-geographic)'],
  ['528', 'Personal communications services (5XX, non-geographic)'],
  ['529', 'Personal communications services (5XX, non-geographic)'],
  ['532', 'Personal communications services (5XX, non-geographic)'],
  ['533', 'Personal communications services (5XX, non-geographic)'],
  ['538', 'Personal communications services (5XX, non-geographic)'],
  ['544', 'Personal communications services (5XX, non-geographic)'],
  ['566', 'Personal communications services (5XX, non-geographic)'],
  ['577', 'Personal communications services (5XX, non-geographic)'],
  ['588', 'Personal communications services (5XX, non-geographic)'],
  ['600', 'Canadian non-geographic tariffed services'],
  ['611', 'N11 dialing code: carrier repair service'],
  ['622', 'Canadian non-geographic services'],
  ['633', 'Canadian non-geographic services'],
  ['700', 'Interexchange carrier services'],
  ['710', 'US government special services'],
  ['711', 'N11 dialing code: telecommunications relay service'],
  ['800', 'Toll-free'],
  ['811', 'N11 dialing code: call before you dig'],
  ['833', 'Toll-free'],
  ['844', 'Toll-free'],
  ['855', 'Toll-free'],
  ['866', 'Toll-free'],
  ['877', 'Toll-free'],
  ['888', 'Toll-free'],
  ['900', 'Premium-rate services'],
  ['911', 'N11 dialing code: emergency services'],
  ['988', 'Three-digit dialing code: 988 Suicide & Crisis Lifeline'],
]);

/** The geographic area code's region, country and time zone, or undefined if it is not one (e.g. '800'). */
export function areaCodeInfo(areaCode: string): AreaCodeInfo | undefined {
  return NANP_AREA_CODES.get(areaCode);
}

const NANP_E164 = /^\+1([2-9]\d{2})[2-9]\d{6}$/;

/**
 * The area code facts for a +1 number in E.164 form ('+1NXXNXXXXXX'); undefined for anything else, including
 * non-+1 numbers and non-geographic NANP numbers (toll-free, 5XX, 900, ...).
 */
export function nanpInfo(e164: string): AreaCodeInfo | undefined {
  const match = NANP_E164.exec(e164);
  return match?.[1] === undefined ? undefined : areaCodeInfo(match[1]);
}

/**
 * Geographic area codes serving a region (sorted), counting SHARED_REGIONS too: e.g. ('CA', 'PE') gives
 * ['782', '902']. A region needs its country because KY and MS are both US states and country codes.
 */
export function areaCodesForRegion(country: string, region: string): string[] {
  const found: string[] = [];
  for (const info of NANP_AREA_CODES.values()) {
    if (info.country !== country) continue;
    if (info.region === region || (SHARED_REGIONS.get(info.areaCode) ?? []).includes(region)) {
      found.push(info.areaCode);
    }
  }
  return found.sort();
}

/*
 * Left out on purpose (not in service on 2026-11-21, or not verifiable):
 *  - 273 (QC, joins the 367/418/581 complex): in service 2027-02-27 per NANPA / CNA.
 *  - 761 (KY, overlays 502): approved 2025; first numbers planned for July 2027.
 *  - 565 (GA, overlays 912): approved 2025; no in-service date set.
 *  - 387 (ON): long reserved for the Toronto complex, never assigned (942 was used instead).
 *  - Any code NANPA assigned after its 2025-11-26 export: none found for which an in-service date on or
 *    before 2026-11-21 was published; a late addition would be missing here.
 * Included although libphonenumber's mid-2026 metadata does not know them yet (probably because no central
 * office codes had been assigned in them): 357, 436, 457, 465, 471, 483, 621, 624, 679, 729, 837, 861, 924.
 * NANPA's export lists each of them as in service, except 465, 471 and 483, which rest on the dated notices
 * named in the header.
 */
