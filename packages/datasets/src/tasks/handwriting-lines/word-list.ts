/**
 * Common English words, most frequent first (roughly: ordered by hand from general knowledge of word frequency,
 * not copied from any corpus). Stands in for FSDL's Brown corpus. The order matters: texts draw words with a
 * Zipf-like weight on their rank, so short function words dominate as they do in real prose.
 */
const COMMON_WORDS_TEXT = `
the of and to a in is it you that he was for on are with as I his they be at one have this from or had by
not word but what some we can out other were all there when up use your how said an each she which do their
time if will way about many then them write would like so these her long make thing see him two has look more
day could go come did number sound no most people my over know water than call first who may down side been now
find any new work part take get place made live where after back little only round man year came show every good
me give our under name very through just form sentence great think say help low line differ turn cause much mean
before move right boy old too same tell does set three want air well also play small end put home read hand port
large spell add even land here must big high such follow act why ask men change went light kind off need house
picture try us again animal point mother world near build self earth father head stand own page should country
found answer school grow study still learn plant cover food sun four between state keep eye never last let thought
city tree cross farm hard start might story saw far sea draw left late run don't while press close night real life
few north open seem together next white children begin got walk example ease paper group always music those both
mark often letter until mile river car feet care second book carry took science eat room friend began idea fish
mountain stop once base hear horse cut sure watch color face wood main enough plain girl usual young ready above
ever red list though feel talk bird soon body dog family direct pose leave song measure door product black short
numeral class wind question happen complete ship area half rock order fire south problem piece told knew pass
since top whole king space heard best hour better true during hundred five remember step early hold west ground
interest reach fast verb sing listen six table travel less morning ten simple several vowel toward war lay against
pattern slow center love person money serve appear road map rain rule govern pull cold notice voice unit power town
fine certain fly fall lead cry dark machine note wait plan figure star box noun field rest correct able pound done
beauty drive stood contain front teach week final gave green oh quick develop ocean warm free minute strong special
mind behind clear tail produce fact street inch multiply nothing course stay wheel full force blue object decide
surface deep moon island foot system busy test record boat common gold possible plane stead dry wonder laugh
thousand ago ran check game shape equate hot miss brought heat snow tire bring yes distant fill east paint language
among grand ball yet wave drop heart am present heavy dance engine position arm wide sail material size vary settle
speak weight general ice matter circle pair include divide syllable felt perhaps pick sudden count square reason
length represent art subject region energy hunt probable bed brother egg ride cell believe fraction forest sit race
window store summer train sleep prove lone leg exercise wall catch mount wish sky board joy winter sat written wild
instrument kept glass grass cow job edge sign visit past soft fun bright gas weather month million bear finish happy
hope flower clothe strange gone jump baby eight village meet root buy raise solve metal whether push seven paragraph
third shall held hair describe cook floor either result burn hill safe cat century consider type law bit coast copy
phrase silent tall sand soil roll temperature finger industry value fight lie beat excite natural view sense ear
else quite broke case middle kill son lake moment scale loud spring observe child straight consonant nation
dictionary milk speed method organ pay age section dress cloud surprise quiet stone tiny climb cool design poor lot
experiment bottom key iron single stick flat twenty skin smile crease hole trade melody trip office receive row
mouth exact symbol die least trouble shout except wrote seed tone join suggest clean break lady yard rise bad blow
oil blood touch grew cent mix team wire cost lost brown wear garden equal sent choose fell fit flow fair bank
collect save control decimal gentle woman captain practice separate difficult doctor please protect noon whose
locate ring character insect caught period indicate radio spoke atom human history effect electric expect crop
modern element hit student corner party supply bone rail imagine provide agree thus capital won't chair danger fruit
rich thick soldier process operate guess necessary sharp wing create neighbor wash bat rather crowd corn compare
poem string bell depend meat rub tube famous dollar stream fear sight thin triangle planet hurry chief colony clock
mine tie enter major fresh search send yellow gun allow print dead spot desert suit current lift rose continue block
chart hat sell success company subtract event particular deal swim term opposite wife shoe shoulder spread arrange
camp invent cotton born determine quart nine truck noise level chance gather shop stretch throw shine property
column molecule select wrong gray repeat require broad prepare salt nose plural anger claim continent oxygen sugar
death pretty skill women season solution magnet silver thank branch match suffix especially fig afraid huge sister
steel discuss forward similar guide experience score apple bought led pitch coat mass card band rope slip win dream
evening condition feed tool total basic smell valley nor double seat arrive master track parent shore division
sheet substance favor connect post spend chord fat glad original share station dad bread charge proper bar offer
segment slave duck instant market degree populate chick dear enemy reply drink occur support speech nature range
steam motion path liquid log meant quotient teeth shell neck government public report national service business
policy program development economic political social information president local system community percent
international security health education military provide company member student research industry hospital
office police million billion federal court officer official candidate election campaign vote senator congress
committee budget economy tax market price rate cost growth bank investment stock dollar trade worker job employee
manager director executive board meeting agreement decision plan project effort issue problem situation case
question answer reason result effect change increase decrease level value performance quality standard rule law
right freedom power force control authority leader leadership movement organization association society culture
history tradition religion church faith belief god spirit soul heart mind body brain memory feeling emotion sense
hope fear anger love hate joy pleasure pain trouble crisis war peace battle army enemy weapon attack defense
victory defeat soldier general captain officer guard prison crime criminal victim murder death life birth child
baby mother father parent brother sister husband wife son daughter family friend neighbor stranger person people
man woman boy girl guy lady gentleman king queen prince princess lord master servant slave citizen resident
patient doctor nurse teacher student professor scientist artist writer author reader editor reporter actor
singer player coach fan audience crowd guest host owner customer client partner colleague expert specialist
lawyer judge jury witness agent spokesman secretary minister chairman founder producer director designer
engineer technician mechanic driver pilot farmer fisherman hunter cook chef waiter baker butcher tailor
carpenter painter builder miner sailor pirate knight priest monk nun saint angel devil ghost monster dragon
hero heroine villain giant dwarf witch wizard fairy elf animal creature beast bird fish insect snake horse cow
pig sheep goat chicken duck goose turkey rabbit mouse rat cat dog wolf fox bear deer lion tiger elephant monkey
whale shark dolphin eagle hawk owl crow parrot bee ant fly spider worm frog turtle tree flower grass leaf root
seed fruit apple orange banana grape lemon berry cherry peach pear plum melon potato tomato carrot onion bean
pea corn rice wheat bread cake pie cookie candy chocolate sugar salt pepper butter cheese egg milk cream coffee
tea juice wine beer water soup meat beef pork chicken fish sandwich pizza pasta salad breakfast lunch dinner
supper meal feast kitchen table chair bed sofa couch desk shelf lamp clock mirror window door wall floor roof
ceiling stairs room hall bathroom bedroom garden yard fence gate street road path bridge tunnel river lake sea
ocean island beach coast shore hill mountain valley forest desert field meadow farm village town city capital
country nation state world earth sky sun moon star planet space cloud rain snow wind storm thunder lightning
weather season spring summer autumn fall winter morning afternoon evening night midnight today tomorrow
yesterday week month year decade century moment minute hour second day date calendar schedule history future
present past beginning end middle center edge side corner top bottom front back inside outside above below
across along around behind beside between beyond inside near through toward under upon within without
about after against among before during except since until although because unless whereas while whether
however therefore moreover nevertheless otherwise meanwhile instead indeed perhaps maybe probably certainly
surely really actually finally suddenly quickly slowly carefully easily hardly nearly almost quite rather
very too so enough just only even still already yet again once twice often always never sometimes usually
seldom rarely soon later early late now then here there everywhere somewhere nowhere anywhere away home abroad
able bad beautiful best better big black blue bright broad brown busy calm careful cheap clean clear clever
close cold common cool correct crazy cruel curious dangerous dark dead deep different difficult dirty dry
dull early easy empty equal evil exact excellent expensive fair false famous fast fat fierce fine firm flat
fond foolish foreign formal free fresh friendly full funny gentle glad golden good grand gray great green
guilty handsome happy hard harsh healthy heavy helpful high hollow honest hot huge humble hungry ill important
innocent jolly kind large lazy light little lively lonely long loose loud lovely low lucky mad main major
merry mild minor modern narrow nasty natural neat nervous new nice noble normal odd old open ordinary pale
patient perfect plain pleasant polite poor popular powerful pretty private proud public pure quick quiet rapid
rare raw ready real red rich right rough round rude sad safe same scared secret serious shallow sharp shiny
short shy sick silent silly simple slim slow small smart smooth soft solid sorry sour special splendid square
steady steep stiff still straight strange strict strong stupid sudden sweet swift tall tame tender terrible
thick thin thirsty tight tiny tired tough true ugly unusual upper useful useless usual vast violent warm weak
wealthy wet white whole wicked wide wild wise wonderful wooden worried wrong young accept achieve admire admit
advise afford agree allow announce annoy apologize appear apply appreciate approve argue arrange arrest arrive
ask attach attack attempt attend attract avoid bake balance ban bang bathe battle beg behave belong bless
boil bolt book borrow bounce bow box brake branch breathe bruise brush bubble bump burn bury buzz calculate
call camp care carry carve cause challenge change charge chase cheat check cheer chew choke chop claim clap
clean clear clip close coach collect comb command communicate compare compete complain complete concentrate
concern confess confuse connect consider consist contain continue copy correct cough count cover crack crash
crawl cross crush cure curl curve cycle damage dance dare decay deceive decide decorate delay delight deliver
depend describe desert deserve destroy detect develop disagree disappear discover dislike divide double doubt
drag drain dream dress drip drop drown dry dust earn educate embarrass employ empty encourage end enjoy enter
entertain escape examine excite excuse exercise exist expand expect explain explode extend face fade fail fancy
fasten fax fear fence fetch file fill film fire fit fix flap flash float flood flow flower fold follow fool
force form found frame frighten fry gather gaze glow glue grab grate grease greet grin grip groan guarantee
guard guess guide hammer hand handle hang happen harm hate haunt head heal heap heat help hook hop hope hover
hug hum hunt hurry identify ignore imagine impress improve include increase influence inform inject injure
instruct intend interest interfere interrupt introduce invent invite irritate itch jail jam jog join joke
judge juggle jump kick kill kiss kneel knit knock knot label land last laugh launch learn level license lick
lie lighten like list listen live load lock long look love manage march mark marry match mate matter measure
melt memorize mend milk mine miss mix moan moor mourn move muddle mug multiply murder nail name need nest nod
note notice number obey object observe obtain occur offend offer open order overflow owe own pack paddle paint
park part pass pause peck pedal peel peep perform permit phone pick pinch pine place plan plant play please
plug point poke polish pop possess post pour practice pray preach precede prefer prepare present preserve
press pretend prevent prick print produce program promise protect provide pull pump punch puncture punish push
question queue race radiate rain raise reach realize receive recognize record reduce reflect refuse regret
reign reject rejoice relax release rely remain remember remind remove repair repeat replace reply report
reproduce request rescue retire return rhyme rinse risk rob rock roll rot rub ruin rule rush sack sail satisfy
save saw scare scatter scold scorch scrape scratch scream screw scribble scrub seal search separate serve
settle shade share shave shelter shiver shock shop shrug sigh sign signal sin sip ski skip slap slip slow
smash smell smile smoke snatch sneeze sniff snore snow soak soothe sound spare spark sparkle spell spill
spoil spot spray sprout squash squeak squeal squeeze stain stamp stare start stay steer step stir stitch stop
store strap strengthen stretch strip stroke stuff subtract succeed suck suffer suggest suit supply support
suppose surprise surround suspect suspend switch talk tame tap taste tease telephone tempt terrify test thank
thaw tick tickle tie time tip tire touch tour tow trace trade train transport trap travel treat tremble trick
trip trot trouble trust try tug tumble turn twist type undress unfasten unite unlock unpack untidy use vanish
visit wail wait walk wander want warm warn wash waste watch water wave weigh welcome whine whip whirl whisper
whistle wink wipe wish wobble wonder work worry wrap wreck wrestle wriggle yawn yell zip zoom ability absence
academy accident account action activity address adult advantage adventure advice affair age agency air airport
alarm album alcohol ambition amount analysis ancestor anger angle announcement annual anxiety apartment
appearance appetite application appointment approach argument arrival article aspect assignment assistance
assumption atmosphere attention attitude audience average award awareness background balance ball band
bargain barrier basis basket bath battery beach beard bedroom beer behavior bench benefit bicycle bill birthday
bit blade blanket block boat bone border bottle boundary bowl brain brand breath brick bridge budget bunch
burden bus button cabin cable camera canal cancer candle capacity career cash castle category cause ceremony
chain chairman championship channel chapter character charity chest choice cigarette cinema circumstance
claim climate clinic closet clothes coat code coin collection college comment commission commitment
competition complaint computer concept concert conclusion conference confidence conflict connection
consequence contact content contest context contract contribution conversation cottage council counter
courage cousin creature credit crew criticism currency curtain custom cycle database deadline debate debt
definition degree delivery demand department departure deposit depth description desire detail device diamond
diet difference difficulty dimension dinner dirt disaster discipline discount discussion disease dish
display distance district document drama drawer drawing driver earthquake economy edition editor efficiency
election elevator emergency emphasis employer encounter engineering entrance environment episode equipment
error essay estate evidence examination exchange excitement exhibition existence expansion expense
explanation expression extent factor failure faith fashion fault feature fee festival fiction finance flight
flesh fluid focus folk football fortune foundation frame framework frequency fuel function fund funeral
furniture gallery gap garage gate gene generation gesture gift glove goal grade grain grant gravity guitar
habit hall harbor headline heaven height highway hobby holiday honey honor horizon hotel household housing
identity illness image impact impression incident income independence index indication individual infection
inflation injury input insect inspector instance institution instruction insurance intention interview
introduction invention investigation invitation item jacket jewel journal journey judgment jungle justice
keyboard kingdom knee knife knowledge laboratory ladder landscape laptop lawn layer league lecture leg legend
leisure lesson library license lifestyle limit link lip liquid literature loan location lock logic luck
luggage machine magazine maintenance majority mall map margin marriage mask match mayor meal meaning media
medicine membership memory menu mess message metal method mile mirror mission mistake mixture mode model
monitor mood motor mud muscle museum mystery myth native navy negotiation nerve network newspaper notebook
novel nurse obligation occasion opinion opportunity opposition option orchestra origin outcome oven pace
package pain painting palace panel parade parking passage passenger passion password patience pattern
payment penalty pension percentage perception period permission personality perspective philosophy photo
phrase physics piano pile pilot pipe pitch platform pleasure pocket poetry pool population portion portrait
possession poster pot poverty powder preference premium preparation presence pressure priority prize
procedure profession profile profit progress promotion proof proposal prospect protection protest
psychology publication purpose puzzle quantity quarter queen radio rank reaction reality receipt recipe
recognition recommendation recovery reference reflection refrigerator relation relationship release
reputation requirement reservation resident resolution resource response responsibility restaurant
revenue review revolution reward rhythm ribbon riddle rival robot role romance routine salary sale sample
satisfaction scene schedule scheme scholar screen script sculpture secretary sector selection senate sentence
sequence series session setting shadow shelf shift shirt shock shortage signal signature silence silk sink
sir site sketch skirt slice slope smoke snake society sock software soup source speaker species spirit
sport stadium staff stage stake statement statue status steak stomach strategy strength stress structure
studio style suggestion suit summary supermarket surgery survey suspect sympathy symptom talent tank tape
target task teacher technique technology teenager telescope television temple tendency tennis tension
territory text theme theory thread threat ticket tide tissue title toast toe toilet tomato tongue tooth
topic tournament towel tower traffic tragedy transition translation trend trial tribe trick trophy truth
tune tutor umbrella uncle union universe university user vacation variety vehicle version victim video view
village violence virus vision visitor volume volunteer wage wallet warning wealth wedding welfare wheel
whisky widow width winner wisdom witness wood wool worker workshop wound yard youth zone
`;

/**
 * Names and places, capitalized, mixed into the text now and then so capital letters appear mid-line too (the
 * Brown corpus has them; a word list of lowercase words alone would only capitalize sentence starts).
 */
const PROPER_NOUNS_TEXT = `
John Mary James Robert Michael William David Richard Joseph Thomas Charles Daniel Paul Mark George Edward Henry
Peter Frank Jack Walter Arthur Albert Harry Fred Carl Ralph Roy Louis Eugene Philip Jane Anna Margaret Helen
Ruth Dorothy Alice Grace Rose Julia Laura Emma Clara Sarah Kate Lucy Nancy Betty Susan Karen Linda Ellen
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June July August
September October November December America England France Germany Italy Spain Russia China Japan India Egypt
Canada Mexico Brazil Texas Ohio Boston Chicago London Paris Rome Berlin Moscow Washington Virginia Georgia
Kansas Oregon Maine Florida Jersey York Europe Africa Asia Pacific Atlantic Mississippi Hudson Thames Congress
Senate Kennedy Lincoln Jefferson Christmas Easter English French German Spanish American British Christian
Xavier Xerxes Quebec Quincy Zurich Zachary Yale Yukon Utah Uganda Oxford Iowa Idaho Nevada Kentucky Vermont
`;

function unique(words: string[]): string[] {
  return [...new Set(words)];
}

/** The shipped word list, most frequent first, duplicates removed (first occurrence keeps its rank). */
export const COMMON_WORDS: readonly string[] = unique(COMMON_WORDS_TEXT.split(/\s+/).filter((w) => w.length > 0));

/** Capitalized names, places, days and months, in no particular order. */
export const PROPER_NOUNS: readonly string[] = unique(PROPER_NOUNS_TEXT.split(/\s+/).filter((w) => w.length > 0));
