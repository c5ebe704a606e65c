/* What each check means, why it matters on Xen and how to fix it, by check id. */
#include "explain.h"

#include <stddef.h>

static const struct explanation explanations[C__COUNT] = {
	[C_YAML_SYNTAX] = {
		.summary = "libyaml rejects the text",
		.meaning =
			"The file is not well-formed YAML 1.1, so libyaml stops reading it at the\n"
			"position shown. This check is fatal: nothing after the syntax error can\n"
			"be read, so no other check runs and the tool exits with status 1 (a YAML\n"
			"syntax error, like a usage or I/O error), not 2.\n"
			"\n"
			"Typical causes are a tab used for indentation, an indentation that does\n"
			"not line up with its siblings, an unclosed quote or bracket, and a plain\n"
			"value that contains \": \" or starts with a YAML indicator such as \"{\",\n"
			"\"[\", \"&\", \"*\", \"!\", \"|\", \">\", \"%\" or \"@\".",
		.why =
			"Nothing reaches Xen from a file that cannot be read. The tool checks the\n"
			"topology as a whole (every VM, region, owner and address against each\n"
			"other), and it will not guess at the rest of a half-read file: writing\n"
			"xl configs or device-tree fragments from part of a topology is exactly\n"
			"the per-VM inconsistency this tool exists to prevent.",
		.fix =
			"Go to the line and column printed; the real mistake is often on the line\n"
			"just before. Indent with spaces only, close every quote and bracket, and\n"
			"quote values that contain \": \" or start with an indicator:\n"
			"\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        cmdline: \"console=hvc0 root=/dev/ram0\"\n"
			"        shm:\n"
			"          - \"0x05400000+1M = ctl\"",
	},
	[C_DUPLICATE_KEY] = {
		.summary = "a mapping repeats a key",
		.meaning =
			"One YAML mapping holds the same key twice, for example two \"memory\" keys\n"
			"in one VM, two \"at\" keys in one shm entry, or the same region ID written\n"
			"twice under \"regions\". YAML requires keys to be unique; many loaders\n"
			"silently keep one of the values, this tool refuses. The error is at the\n"
			"later key, with a note at the earlier one.",
		.why =
			"A silently dropped value changes the layout without telling you. If the\n"
			"loader keeps a different \"at\", \"host\", \"size\" or \"owner\" from the one\n"
			"you meant, the guests and the generated artifacts (xl iomem entries,\n"
			"static_shm entries, device-tree nodes, guest headers) all describe a\n"
			"different piece of guest or host memory than the one you reviewed, and\n"
			"programs on the two sides of a region end up talking past each other.",
		.fix =
			"Keep one of the two keys. For a region written twice under \"regions\",\n"
			"merge the two entries into one:\n"
			"\n"
			"    regions:\n"
			"      ring0: { size: 2M, owner: sensor, align: 2M }",
	},
	[C_YAML_ALIAS] = {
		.summary = "anchors or aliases are used",
		.meaning =
			"The file uses a YAML anchor (\"&name\") or alias (\"*name\"), including the\n"
			"merge key form \"<<: *name\". They are refused everywhere, also inside\n"
			"\"x-\" extension keys, which are otherwise ignored.",
		.why =
			"Aliases let a few lines of YAML expand into an enormous document (the\n"
			"\"billion laughs\" alias bomb), and topologies are checked in CI and on\n"
			"Xen hosts, where a small file must not be able to exhaust memory. This\n"
			"is a property of the loader, not of Xen; refusing aliases outright keeps\n"
			"every value in the file written exactly where it applies.",
		.fix =
			"Write the values out, or put settings shared by every VM under\n"
			"\"defaults\" (any VM key except name, shm and depends_on):\n"
			"\n"
			"    defaults:\n"
			"      memory: 128M\n"
			"      vcpus: 1\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        kernel: /srv/xen/sensor.img\n"
			"      - name: logger\n"
			"        kernel: /srv/xen/logger.img\n"
			"        memory: 256M          # overrides the default",
	},
	[C_UNKNOWN_KEY] = {
		.summary = "a key is not part of the topology format",
		.meaning =
			"A key is not one the topology format defines at that place, for example\n"
			"\"memroy\" in a VM or \"aling\" in a region. The message suggests the\n"
			"nearest valid key. Keys starting with \"x-\" are extensions and are\n"
			"ignored everywhere, so they never fire this check.",
		.why =
			"A misspelt key that was silently ignored would change the layout behind\n"
			"your back: a misspelt \"host\" lets the compiler place the region\n"
			"somewhere else in the pool, a misspelt \"align\" leaves the region at 4K\n"
			"alignment, a misspelt \"depends_on\" or \"owner\" changes the start order\n"
			"that \"up\" creates and unpauses the domains in. None of that would show\n"
			"up until a guest reads the wrong memory at runtime.",
		.fix =
			"Correct the spelling to the suggested key. Use an \"x-\" key for your own\n"
			"annotations. Raw xl keys that the format does not model go under \"xl\",\n"
			"which is written to xl/VM.cfg only (\"up\" refuses topologies that use\n"
			"it):\n"
			"\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        x-board: \"rev B\"        # ignored by the tool\n"
			"        xl:\n"
			"          on_crash: preserve    # copied into xl/sensor.cfg",
	},
	[C_TYPE] = {
		.summary = "a value has the wrong type",
		.meaning =
			"A value does not have the shape or form the key requires: a mapping or\n"
			"list where a scalar is expected (or the other way round), text where an\n"
			"integer is expected, or an \"xl\" value that is not a string, an integer\n"
			"or a list of strings.\n"
			"\n"
			"The check also covers values that are of the right kind but not allowed:\n"
			"an invalid enum value (\"xen.arch\" not arm64 or x86_64, \"xen.backend\" not\n"
			"iomem, static-shm or dom0less, \"gic\" not 2 or 3, \"type\" not pvh, hvm or\n"
			"pv, \"vuart\" not sbsa_uart), \"type: pv\" on arm64, \"vcpus\" outside 1..128,\n"
			"a project \"name\" that does not match [a-z0-9][a-z0-9_-]{0,31}, and a\n"
			"\"xen.version\" that is not \"4.N\" with N >= 17.",
		.why =
			"These values decide what the domain is and which Xen rules apply, and a\n"
			"guess would be wrong somewhere. On arm64 \"pvh\" is the only guest type:\n"
			"\"pv\" exists only on x86_64. \"gic\" chooses between the GICv2 and GICv3\n"
			"guest memory maps that mappings must avoid. \"xen.version\" selects the\n"
			"version-dependent rules: extended regions advertised by libxl before\n"
			"4.21 and by dom0less before 4.19, dom0less host allocation from 4.19,\n"
			"and 4.17 as the oldest release with dom0less static shared memory. The\n"
			"project name is used in the lock file /run/xenshm-compose/PROJECT.lock\n"
			"and in the xenstore records under /local/shared_mem/ID/project.\n"
			"\n"
			"Scalars are read as the text written, so \"version: 4.20\" is \"4.20\", but\n"
			"\"4.2\" is release 4.2, which is too old, not 4.20.",
		.fix =
			"Use one of the allowed values:\n"
			"\n"
			"    name: demo                # [a-z0-9][a-z0-9_-]{0,31}\n"
			"    xen:\n"
			"      arch: arm64             # arm64 | x86_64\n"
			"      version: \"4.19\"         # \"4.N\", N >= 17\n"
			"      backend: iomem          # iomem | static-shm | dom0less\n"
			"      gic: 3                  # 2 | 3, arm64 only\n"
			"    vms:\n"
			"      - name: rtos\n"
			"        type: pvh             # pvh | hvm | pv; pv only on x86_64\n"
			"        vcpus: 2              # 1..128",
	},
	[C_MISSING_KEY] = {
		.summary = "a required key is absent",
		.meaning =
			"A key the format requires is not there. Required are the top-level\n"
			"\"version\", \"name\", \"xen\" and \"vms\" (\"vms: []\" is valid), \"xen.arch\", and\n"
			"for every VM \"name\", \"kernel\" and \"memory\" (\"memory\" may come from\n"
			"\"defaults\"). A long-form shm entry needs its \"id\".",
		.why =
			"There is no safe default for these. \"xen.arch\" decides the whole guest\n"
			"memory map (Arm's fixed layout from arch-arm.h or the x86 e820 layout),\n"
			"so every guest address check depends on it. A VM's name, kernel and\n"
			"memory are what libxl needs to build the domain at all (c_info.name,\n"
			"b_info.kernel, b_info.max_memkb), and the VM name is also the name of\n"
			"its output files. Checking them here reports the problem for every VM at\n"
			"once instead of one \"xl create\" failure at a time.",
		.fix =
			"Add the key; give common VM values once under \"defaults\":\n"
			"\n"
			"    version: 1\n"
			"    name: demo\n"
			"    xen:\n"
			"      arch: arm64\n"
			"    defaults:\n"
			"      memory: 128M\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        kernel: /srv/xen/sensor.img",
	},
	[C_BAD_NUMBER] = {
		.summary = "a SIZE or ADDR is unparsable, negative, overflowing, or has a bad unit",
		.meaning =
			"A number is not in the form the format accepts. Numbers are decimal or\n"
			"\"0x\" hex and nothing else: YAML 1.1 octal (\"0755\"), binary (\"0b101\"),\n"
			"\"_\" separators (\"1_000\") and base-60 forms (\"1:30\") are refused, as are\n"
			"negative values, fractions (\"1.5M\"), empty strings and values that do\n"
			"not fit in 64 bits. A SIZE may carry one unit, K, M, G or T, or KiB,\n"
			"MiB, GiB or TiB, all binary (1K = 1024); \"MB\" is not a unit. An ADDR has\n"
			"no unit.",
		.why =
			"YAML tools disagree about these forms: a YAML 1.1 loader reads \"010\" as\n"
			"8 and \"1:30\" as 90, a YAML 1.2 loader reads \"010\" as 10. In a memory\n"
			"layout a number read differently from how it was written is a different\n"
			"host or guest address or size, and it goes straight into the generated\n"
			"iomem page numbers, static_shm begin and size, and xen,shared-mem cells,\n"
			"which then name other memory than the memory you meant.",
		.fix =
			"Write plain decimal or 0x hex, with a binary unit where a size helps:\n"
			"\n"
			"    shm:\n"
			"      - { id: ring0, at: 0x05000000, size: 2M }\n"
			"      - { id: ctl, at: 0x05400000, size: 0x100000 }\n"
			"\n"
			"Passthrough \"iomem\" strings are different: they use xl's syntax,\n"
			"\"START,NUM[@GFN]\", hex page numbers written without \"0x\".",
	},
	[C_VERSION] = {
		.summary = "'version' is not 1",
		.meaning =
			"The top-level \"version\" is the version of this topology format, and the\n"
			"only version is 1. It is not the Xen release: that is \"xen.version\".",
		.why =
			"A file written for another format version may use the same keys with\n"
			"other meanings; reading it as version 1 could produce a different layout\n"
			"without any other error. Refusing it is the only safe answer. If you\n"
			"meant the Xen release, the version-dependent Xen rules (extended\n"
			"regions, dom0less limits) are chosen by \"xen.version\".",
		.fix =
			"Set the format version to 1 and put the Xen release under \"xen\":\n"
			"\n"
			"    version: 1\n"
			"    xen:\n"
			"      arch: arm64\n"
			"      version: \"4.19\"",
	},
	[C_VM_NAME] = {
		.summary = "a VM name is invalid",
		.meaning =
			"A VM \"name\" does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$: it must\n"
			"start with a letter or digit, use only letters, digits, \"_\", \".\" and\n"
			"\"-\", and be at most 64 characters long.",
		.why =
			"The VM name is used as it is in several places: it is the xl domain\n"
			"name, the default dom0less node name under /chosen, and the name of the\n"
			"generated files xl/NAME.cfg and guest/NAME/. A name with a \"/\", a space\n"
			"or a leading \".\" or \"-\" would make a broken path, an invalid device-tree\n"
			"node name, or a domain name that is awkward to pass to \"xl\" on the\n"
			"command line.",
		.fix =
			"Rename the VM, and every \"depends_on\" and \"owner\" that refers to it:\n"
			"\n"
			"    vms:\n"
			"      - name: sensor-0",
	},
	[C_DUPLICATE_VM] = {
		.summary = "a VM name is repeated",
		.meaning =
			"Two VMs have the same \"name\". The error is at the later one, with a note\n"
			"at the earlier one.",
		.why =
			"The name identifies the VM everywhere: \"depends_on\" and \"owner\" refer to\n"
			"it, it is the xl domain name, and it names the output files xl/NAME.cfg\n"
			"and guest/NAME/, so two VMs would write the same files and every\n"
			"reference to the name would be ambiguous. On the host, domain names must\n"
			"identify one domain: \"up\" refuses a name already taken by a domain this\n"
			"project did not create.",
		.fix =
			"Give each VM its own name, and check which one each \"depends_on\" and\n"
			"\"owner\" meant:\n"
			"\n"
			"    vms:\n"
			"      - name: sensor-left\n"
			"      - name: sensor-right",
	},
	[C_UNKNOWN_VM] = {
		.summary = "'depends_on' or 'owner' names no VM",
		.meaning =
			"A \"depends_on\" item or a region's \"owner\" names a VM that the topology\n"
			"does not define. An unknown owner reports only this check: it adds no\n"
			"start-order edges, and the region gets its default owner, its first\n"
			"member in start order.",
		.why =
			"The owner is the domain that \"up\" creates before the region's other\n"
			"members and whose domain ID is recorded in /local/shared_mem/ID/owner;\n"
			"under static-shm it is the one with role=owner, whose RAM holds the\n"
			"region, and under dom0less the node with role = \"owner\". A misspelt\n"
			"owner would silently hand that role to another VM, and a misspelt\n"
			"\"depends_on\" would silently drop an ordering you rely on.",
		.fix =
			"Spell the VM name as in its \"name\" key, or add the missing VM:\n"
			"\n"
			"    vms:\n"
			"      - name: sensor\n"
			"      - name: logger\n"
			"        depends_on: [sensor]\n"
			"    regions:\n"
			"      ring0: { owner: sensor }",
	},
	[C_START_ORDER_CYCLE] = {
		.summary = "the start-order graph has a cycle",
		.meaning =
			"The start order is a sort over \"depends_on\" plus, for each region with\n"
			"an explicit \"owner\", an edge from the owner to every other member of the\n"
			"region. This check fires when those edges form a cycle, so no order\n"
			"satisfies them all. There is one error per cycle, at the \"name\" of its\n"
			"earliest VM in the file, with a note at each \"depends_on\" item or\n"
			"\"owner\" value that forms it. Later checks then use file order.",
		.why =
			"\"up\" creates every VM paused in start order and unpauses them in the\n"
			"same order, and \"down\" destroys them in reverse order, borrowers before\n"
			"owners. An owner must exist before its borrowers: downstream static_shm\n"
			"requires the owner domain to be created first. With a cycle there is no\n"
			"order to create the domains in.",
		.fix =
			"Remove one edge of the cycle. Here logger owns ring0, so it must start\n"
			"before sensor, yet it depends on sensor:\n"
			"\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        shm: [ ring0 ]\n"
			"      - name: logger\n"
			"        depends_on: [sensor]\n"
			"        shm: [ ring0 ]\n"
			"    regions:\n"
			"      ring0: { size: 2M, owner: logger }    # make this sensor, or drop\n"
			"                                            # logger's depends_on",
	},
	[C_REGION_ID] = {
		.summary = "a region ID is invalid",
		.meaning =
			"A region ID (a \"regions\" key, an \"id\" value or a bare shm entry) does\n"
			"not match ^[A-Za-z0-9_-]{1,15}$ or starts with \"x-\". An integer written\n"
			"as an ID is the ID of its decimal digits, so \"7\" and 7 are the same\n"
			"region.",
		.why =
			"15 characters is Xen's dom0less limit for \"xen,shm-id\". The same ID is\n"
			"used in the xl static_shm \"id=\" field, in the xenstore path\n"
			"/local/shared_mem/ID/ and in the guest header, so characters outside\n"
			"this set would break one of them. An ID starting with \"x-\" cannot be\n"
			"used because \"x-\" keys are extensions that the tool ignores, so such a\n"
			"\"regions\" entry would never be read.",
		.fix =
			"Use at most 15 letters, digits, \"_\" or \"-\", not starting with \"x-\"; with\n"
			"the static-shm backend leave out \"-\" as well (see id-charset):\n"
			"\n"
			"    regions:\n"
			"      sensor_ring0: { size: 2M }",
	},
	[C_DUPLICATE_MAPPING] = {
		.summary = "one VM maps the same ID twice",
		.meaning =
			"A VM's \"shm\" list names the same region ID in two entries. The error is\n"
			"at the later entry, with a note at the earlier one. Usually two\n"
			"different regions were meant and their IDs collide.",
		.why =
			"Same ID means same host memory, so the VM would see one region at two\n"
			"guest addresses, and writes through one alias appear at the other. The\n"
			"per-VM records cannot describe it either: xenstore holds one range per\n"
			"domain under /local/shared_mem/ID/mappings/DOMID and the guest header\n"
			"one base per region. Xen's dom0less code does not check for the same ID\n"
			"twice in one domain, so nothing else catches it.",
		.fix =
			"Give the second region its own ID, or delete the duplicate entry:\n"
			"\n"
			"    shm:\n"
			"      - { id: ring0, size: 2M }\n"
			"      - { id: ring1, size: 2M }     # was ring0",
	},
	[C_SIZE_MISMATCH] = {
		.summary = "mappings or the region disagree on the size",
		.meaning =
			"Two mappings of one region, or a mapping and the region's \"size\", give\n"
			"different sizes. A region is one range of host memory, and every mapping\n"
			"must have exactly its size. The error is at the later place in the file,\n"
			"with a note at the earlier one.",
		.why =
			"Each backend maps the region's host memory with the size it is given. A\n"
			"mapping larger than the region would hand the guest host memory beyond\n"
			"it, such as the next region in the pool, and a smaller one would leave\n"
			"the guest unaware of part of the memory its peer writes to. Dom0less Xen\n"
			"refuses the same ID with a different host address or size when it builds\n"
			"the domains at boot.",
		.fix =
			"Make the sizes agree. Simplest is to give the size once in \"regions\" and\n"
			"leave it out of the mappings:\n"
			"\n"
			"    regions:\n"
			"      ring0: { size: 2M }\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        shm: [ { id: ring0, at: 0x05000000 } ]\n"
			"      - name: logger\n"
			"        shm: [ ring0 ]",
	},
	[C_SIZE_MISSING] = {
		.summary = "no size anywhere for a region",
		.meaning =
			"No mapping of the region gives a size, and neither does a \"regions\"\n"
			"entry for it. Bare IDs and long-form entries without \"size\" take the\n"
			"size from elsewhere, so at least one place must give it.",
		.why =
			"Every backend needs the size: the page count in xl \"iomem\", \"size=\" in\n"
			"static_shm, the size cell of \"xen,shared-mem\" for dom0less. The compiler\n"
			"cannot place the region in the pool or in guest memory without it.",
		.fix =
			"Give the size in the region or in one mapping:\n"
			"\n"
			"    regions:\n"
			"      ctl: { size: 1M }",
	},
	[C_ZERO_SIZE] = {
		.summary = "a size is 0",
		.meaning =
			"A size in the file is 0 (for example \"size: 0\" on a mapping or a region,\n"
			"or \"+0\" in a short-form entry).",
		.why =
			"An empty region shares nothing, so a size of 0 is always a mistake,\n"
			"often a unit lost in editing. Dom0less Xen refuses a zero size when it\n"
			"parses the shared-memory nodes at boot; the other backends would write\n"
			"an iomem or static_shm entry that describes no memory.",
		.fix =
			"Give the real size, with a unit:\n"
			"\n"
			"    - { id: ring0, at: 0x05000000, size: 2M }",
	},
	[C_ALIGNMENT] = {
		.summary = "an address or size is not a multiple of 4K or of the region's align",
		.meaning =
			"An address (\"host\", \"at\" or a placed address) is not a multiple of 4K or\n"
			"of its region's \"align\", or a size is not a multiple of 4K. Sizes need\n"
			"only 4K; \"align\" applies to addresses.\n"
			"\n"
			"The check also covers a VM \"memory\" that is not a multiple of 1 MiB, and\n"
			"an \"align\" that is not a power of two of at least 4K.",
		.why =
			"Xen shares memory in whole 4 KiB pages. xl \"iomem\" entries are page\n"
			"frame numbers (\"HPFN,NPAGES@GPFN\"), so an unaligned address or size\n"
			"cannot even be written; static_shm needs begin and size 4K-aligned;\n"
			"dom0less Xen checks page alignment when it builds the domains at boot. A\n"
			"larger \"align\" is your own requirement for the region, and the check\n"
			"keeps explicit addresses to it. xl takes \"memory\" in MiB, so a VM's\n"
			"memory must be whole MiB.",
		.fix =
			"Round the address or size to a multiple of 4K (0x1000) or of \"align\",\n"
			"and use a power of two for \"align\":\n"
			"\n"
			"    regions:\n"
			"      ring0: { size: 2M, align: 2M, host: 0x60200000 }\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        memory: 64M\n"
			"        shm: [ { id: ring0, at: 0x05200000 } ]",
	},
	[C_ADDRESS_OVERFLOW] = {
		.summary = "base+size wraps or exceeds 2^gpaddr_bits",
		.meaning =
			"A range's end, base plus size, wraps past 2^64, or a guest range ends\n"
			"above 2^gpaddr_bits, the guest physical address width\n"
			"(\"xen.gpaddr_bits\", default 40, that is 1 TiB).",
		.why =
			"A range that wraps is not a range: every later overlap and placement\n"
			"computation on it would be wrong. A guest address above the guest's\n"
			"physical address width cannot be part of that guest's physical address\n"
			"space: mapping it fails when the domain is built, or the guest cannot\n"
			"reach it. With the default 40 bits on arm64, RAM1 already ends at 2^40.",
		.fix =
			"Move the mapping lower, for example into the placement windows by\n"
			"dropping \"at\", or shrink it. Raise \"xen.gpaddr_bits\" only if your Xen\n"
			"and hardware really give guests that many address bits:\n"
			"\n"
			"    xen:\n"
			"      arch: x86_64\n"
			"      gpaddr_bits: 40\n"
			"    vms:\n"
			"      - name: peer\n"
			"        shm: [ { id: big, at: 0x8000000000, size: 1G } ]   # ends below 2^40",
	},
	[C_GUEST_OVERLAP] = {
		.summary = "two mappings of one VM overlap",
		.meaning =
			"Two shm entries of the same VM cover some of the same guest-physical\n"
			"addresses. The error is at the later mapping, with a note at the earlier\n"
			"one.",
		.why =
			"A guest-physical page is backed by one host page only, so two regions\n"
			"cannot both be at that address. Depending on the backend, building the\n"
			"domain fails when the second range is mapped, or one region hides the\n"
			"other: the guest program that talks through the hidden region really\n"
			"reads and writes the other one, and corrupts the data of that region's\n"
			"peers. Xen's dom0less code does not check guest-address overlap between\n"
			"regions, so nothing catches it at boot.",
		.fix =
			"Move one mapping, or drop its \"at\" and let the compiler place it:\n"
			"\n"
			"    shm:\n"
			"      - { id: ring0, at: 0x05000000, size: 2M }\n"
			"      - { id: ctl, at: 0x05200000, size: 1M }    # starts after ring0",
	},
	[C_GUEST_RAM_OVERLAP] = {
		.summary = "a mapping overlaps the VM's RAM",
		.meaning =
			"A mapping's guest range overlaps the VM's own RAM. RAM is at a fixed\n"
			"place: on arm64, RAM0 from 0x40000000 (up to 3 GiB) and the rest from\n"
			"0x200000000; on x86_64, low RAM from 0 up to min(memory, 0xF0000000) for\n"
			"hvm or min(memory, 0xFC000000) for pvh, and the rest from 4 GiB. The\n"
			"check never fires under the static-shm backend, where the owner's range\n"
			"must be inside its RAM (see static-shm-owner-range).",
		.why =
			"Xen populates those addresses with the guest's own RAM. A region mapped\n"
			"on top of them either fails to map when the domain is built, or replaces\n"
			"pages the guest kernel believes are ordinary RAM: the kernel then hands\n"
			"shared memory out as private memory, and both this guest and its peers\n"
			"get corrupted. Xen's dom0less code does not check guest-address overlap\n"
			"with RAM, so the first sign would be that corruption.",
		.fix =
			"Move the mapping out of RAM, or drop \"at\" so that the compiler places it\n"
			"in a free window. Remember that RAM grows with \"memory\": an \"at\" that\n"
			"fits today can overlap after you raise it.\n"
			"\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        memory: 256M              # RAM0 0x40000000..0x50000000\n"
			"        shm:\n"
			"          - { id: ring0, at: 0x05000000, size: 2M }   # not 0x48000000",
	},
	[C_GUEST_RESERVED_OVERLAP] = {
		.summary = "a mapping overlaps a reserved guest range",
		.meaning =
			"A mapping overlaps a guest range that Xen reserves. On arm64 (from Xen's\n"
			"arch-arm.h): virtio-mmio 0x02000000+1M, GICv2 0x03001000..0x03004000 or\n"
			"GICv3 0x03001000+64K and 0x03020000+16M, vPCI ECAM 0x10000000+256M, ACPI\n"
			"0x20000000+32M, PL011 0x22000000+4K, vPCI MEM 0x23000000+256M, grant\n"
			"table 0x38000000+16M, magic pages 0x39000000+16M, vPCI prefetch\n"
			"0x100000000+4G. The three vPCI windows count only for a VM with vPCI,\n"
			"which libxl gives a domU with PCI devices: a topology says so with the\n"
			"raw xl key \"pci\" (xl: { pci: [ \"0000:00:01.0\" ] }). On x86_64:\n"
			"0xA0000..0x100000 for hvm, and from 0xF0000000 (hvm) or 0xFC000000 (pvh)\n"
			"to 4 GiB.",
		.why =
			"These ranges are where Xen and the toolstack put the guest's emulated\n"
			"devices and special pages: the interrupt controller, the PL011 vuart\n"
			"console, the grant table, the magic pages, the vPCI and ACPI windows,\n"
			"and on x86 the PCI/MMIO hole, ACPI info, IOAPIC, LAPIC and special\n"
			"pages. A region placed there either fails to map when the domain is\n"
			"built, or shadows the device or page, and the guest's accesses go to one\n"
			"when it meant the other.",
		.fix =
			"Drop \"at\" and let the compiler place the mapping, or pick an address in\n"
			"a free range. The free arm64 windows are [0x05000000, 0x10000000),\n"
			"[0x33000000, 0x38000000) and [0x3A000000, 0x40000000):\n"
			"\n"
			"    shm:\n"
			"      - { id: ring0, at: 0x3B000000, size: 1M }   # not 0x38000000",
	},
	[C_EXTENDED_REGION_OVERLAP] = {
		.summary = "arm64: a mapping lies above the VM's RAM, in advertised extended regions",
		.meaning =
			"On arm64, a mapping lies in the RAM0 (0x40000000, 3 GiB) or RAM1\n"
			"(0x200000000) part of the guest map, above the RAM the VM actually has.\n"
			"The targeted Xen advertises that unused space to the guest as \"extended\n"
			"regions\": with \"xen.version\" before 4.21 for the libxl backends (iomem,\n"
			"static-shm), before 4.19 for dom0less. This is a warning by default.",
		.why =
			"Extended regions tell the guest which guest-physical space is unused,\n"
			"and a guest kernel that uses them (Linux built with\n"
			"XEN_UNPOPULATED_ALLOC) may place foreign or grant mappings there. libxl\n"
			"before 4.21 does not remove iomem ranges from the extended regions it\n"
			"advertises, and dom0less Xen before 4.19 has the same gap, so such a\n"
			"guest can map other pages over the shared region and silently lose it,\n"
			"or corrupt what its peers see.",
		.fix =
			"Move the mapping below RAM0, into the placement windows, for example by\n"
			"dropping \"at\". If your guests never use extended regions (a bare-metal\n"
			"program that ignores the device tree), silence it with\n"
			"-Wno-extended-region-overlap. If your Xen really is 4.21 or later (4.19\n"
			"for dom0less), say so:\n"
			"\n"
			"    xen:\n"
			"      arch: arm64\n"
			"      version: \"4.21\"",
	},
	[C_GUEST_SPACE_EXHAUSTED] = {
		.summary = "guest placement found no room",
		.meaning =
			"A mapping without \"at\" did not fit anywhere in the VM's placement space.\n"
			"The compiler tries, after the fixed mappings and in shm list order, the\n"
			"lowest free address at the region's alignment, avoiding reserved ranges,\n"
			"the VM's RAM and its other mappings. On arm64 the windows are\n"
			"[0x05000000, 0x10000000), [0x33000000, 0x38000000) and [0x3A000000,\n"
			"0x40000000), 352 MiB in all. On x86_64 the window starts at the higher\n"
			"of 4 GiB and the end of RAM above 4 GiB, rounded up to 1 GiB, plus 1 GiB\n"
			"for hvm, and ends at 2^gpaddr_bits. A static-shm owner's mappings go at\n"
			"the top of its RAM0 instead, top down, clear of the device tree and\n"
			"ramdisk libxc loads there (see static-shm-owner-range).",
		.why =
			"The guest map is fixed by Xen: on arm64 most of the low 1 GiB belongs to\n"
			"emulated devices and special pages, and the compiler does not place\n"
			"regions in the space above RAM, which older Xen advertises as extended\n"
			"regions. On x86_64 hvm the space right above RAM is kept free for\n"
			"hvmloader's 64-bit PCI BARs. Only you can decide where else a region may\n"
			"go.",
		.fix =
			"Give the mapping an explicit \"at\", reduce the size or \"align\" of the\n"
			"regions in that VM, or for a static-shm owner raise its \"memory\" so RAM0\n"
			"can hold them:\n"
			"\n"
			"    shm:\n"
			"      - { id: frames, at: 0x33000000, size: 64M }",
	},
	[C_PASSTHROUGH_OVERLAP] = {
		.summary = "a passthrough iomem range overlaps the pool, a region or a mapping",
		.meaning =
			"A VM's \"passthrough.iomem\" entry (\"START,NUM[@GFN]\", hex page numbers)\n"
			"overlaps shared memory. Either its host range (START, NUM pages)\n"
			"overlaps \"xen.pool\" or a region's \"host\" range, or its guest range (GFN,\n"
			"which defaults to START) overlaps one of that VM's mappings.",
		.why =
			"Passthrough iomem goes through the same libxl path as the iomem backend\n"
			"(xc_domain_iomem_permission, then xc_domain_memory_mapping). A host\n"
			"overlap gives the guest direct access to shared memory outside the\n"
			"topology, including other VMs' regions, or means that the \"pool\" is in\n"
			"fact a device's MMIO. A guest overlap puts the device and a region at\n"
			"the same guest addresses: one mapping fails, or one hides the other and\n"
			"the guest talks to the device when it meant the region, or the other way\n"
			"round.",
		.fix =
			"Check that the entry is in page numbers, not byte addresses (0x09000000\n"
			"is page 9000). Then move the pool or the region's \"host\", or map the\n"
			"device at another guest frame with @GFN, or give the mapping an explicit\n"
			"\"at\" elsewhere:\n"
			"\n"
			"    passthrough:\n"
			"      iomem: [ \"9000,1\" ]     # one page at host and guest 0x09000000\n"
			"    shm:\n"
			"      - { id: ring0, at: 0x05000000, size: 2M }   # clear of 0x09000000",
	},
	[C_OWNER_NOT_MEMBER] = {
		.summary = "the owner does not map the region",
		.meaning =
			"A region's \"owner\" names a VM that has no mapping of the region. This is\n"
			"the only thing reported about it: it adds no start-order edges, and the\n"
			"region gets its default owner, its first member in start order.",
		.why =
			"Ownership is expressed through the owner's own mapping: under static-shm\n"
			"the owner's entry carries role=owner and the memory comes out of its\n"
			"RAM, under dom0less the owner's node carries role = \"owner\", and \"up\"\n"
			"creates the owner first and records its domain ID in\n"
			"/local/shared_mem/ID/owner. A VM without a mapping has nothing to carry\n"
			"that role, so the region would end up owned by a VM you did not choose.",
		.fix =
			"Add a mapping of the region to the owner, or name a VM that maps it:\n"
			"\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        shm: [ ring0 ]            # the owner maps it too\n"
			"    regions:\n"
			"      ring0: { size: 2M, owner: sensor }",
	},
	[C_SINGLE_MEMBER] = {
		.summary = "a region is mapped by one VM only",
		.meaning =
			"Only one VM maps the region. This is a warning by default.",
		.why =
			"Shared memory with one member shares nothing, but it still takes host\n"
			"memory from the pool and guest address space. The usual cause is a typo\n"
			"in an ID in another VM, which then creates a second single-member region\n"
			"of its own: the two warnings point at the two spellings.",
		.fix =
			"Make the IDs match. If one member is intended (a peer comes later), keep\n"
			"it and silence the warning with -Wno-single-member:\n"
			"\n"
			"    vms:\n"
			"      - name: sensor\n"
			"        shm: [ { id: ring0, size: 2M } ]\n"
			"      - name: logger\n"
			"        shm: [ ring0 ]            # was \"ringo\"",
	},
	[C_UNUSED_REGION] = {
		.summary = "a 'regions' entry is mapped by no VM",
		.meaning =
			"A \"regions\" entry has no mapping in any VM. Such a region is not placed\n"
			"and nothing is generated for it. This is a warning by default.",
		.why =
			"Nothing reaches Xen for it, but it usually means a typo in the entry's\n"
			"key or in the mappings' IDs. Then the settings you wrote for it (size,\n"
			"owner, host, align) silently do not apply to the region that is actually\n"
			"mapped, which gets a default owner, 4K alignment and a compiler-chosen\n"
			"host address.",
		.fix =
			"Make the key match the mappings' ID, or delete the entry:\n"
			"\n"
			"    regions:\n"
			"      ring0: { size: 2M, owner: sensor }    # was \"ring_0\"",
	},
	[C_POOL_REQUIRED] = {
		.summary = "the backend needs 'xen.pool' and there is none",
		.meaning =
			"The backend places regions in host memory from \"xen.pool\", and the file\n"
			"has none. The iomem backend needs a pool as soon as any region exists.\n"
			"Dom0less works without one (then \"host\" is unconstrained), and\n"
			"static-shm does not use the pool.",
		.why =
			"The iomem backend maps host-physical memory into the guests by page\n"
			"number, and libxl first grants each guest access to it from dom0. dom0\n"
			"must itself hold iomem permission for the range, otherwise \"xl create\"\n"
			"fails with EPERM (\"failed give domain access to iomem range ...:\n"
			"Operation not permitted\"). On Arm a /reserved-memory carve-out is not\n"
			"enough: the range must be kept out of Xen's heap with /memreserve/ and\n"
			"described as a plain device node, which \"build\" writes for the pool in\n"
			"host/xenshm-pool.dtsi. Without a pool, the compiler has no host memory\n"
			"it knows is safe to hand out.",
		.fix =
			"Declare the pool. On arm64 use a RAM range that nothing else uses and\n"
			"include host/xenshm-pool.dtsi in the host device tree; on x86_64 use a\n"
			"range dom0 has iomem permission for, such as a PCI BAR (RAM hidden from\n"
			"Xen with its mem= option is refused with EPERM too):\n"
			"\n"
			"    xen:\n"
			"      arch: arm64\n"
			"      backend: iomem\n"
			"      pool: { base: 0x60000000, size: 64M }",
	},
	[C_HOST_OUTSIDE_POOL] = {
		.summary = "a fixed host range lies outside the pool",
		.meaning =
			"A region's \"host\" range is not entirely inside \"xen.pool\". When there is\n"
			"a pool, every fixed host address must lie in it.",
		.why =
			"The pool is the host memory set aside for sharing: under iomem on arm64\n"
			"it is the range that host/xenshm-pool.dtsi keeps out of Xen's heap and\n"
			"grants to dom0. A host range outside it is memory Xen may use for itself\n"
			"or another domain, or memory dom0 has no iomem permission for, so \"xl\n"
			"create\" fails with EPERM; if dom0 happens to have permission (the MMIO\n"
			"of one of its own devices), the guests share something that is not your\n"
			"region.",
		.fix =
			"Move \"host\" into the pool, widen the pool, or drop \"host\" and let the\n"
			"compiler place the region:\n"
			"\n"
			"    xen:\n"
			"      pool: { base: 0x60000000, size: 64M }\n"
			"    regions:\n"
			"      ring0: { size: 2M, host: 0x60000000 }   # inside 0x60000000+64M",
	},
	[C_HOST_OVERLAP] = {
		.summary = "two regions share host memory",
		.meaning =
			"The host ranges of two regions overlap. The error is at the later one in\n"
			"the file, with a note at the earlier one.",
		.why =
			"Two region IDs on the same host memory mean that guests which think they\n"
			"use different channels write the same pages, and corrupt each other's\n"
			"data. Nothing at runtime stops it with iomem: libxl maps one host range\n"
			"into several domains without complaint, which is how sharing works.\n"
			"Dom0less Xen refuses the same host range under two IDs when it builds\n"
			"the domains at boot.",
		.fix =
			"Move one \"host\", or drop it and let the compiler place the region after\n"
			"the fixed ones:\n"
			"\n"
			"    regions:\n"
			"      ring0: { size: 2M, host: 0x60000000 }\n"
			"      ctl: { size: 1M, host: 0x60200000 }    # after ring0",
	},
	[C_POOL_EXHAUSTED] = {
		.summary = "placement does not fit in the pool",
		.meaning =
			"The regions without \"host\" do not fit in the free part of \"xen.pool\".\n"
			"The message says how many bytes were needed and how many were free.\n"
			"Fixed \"host\" ranges go first, then the others by their owner's start\n"
			"index and file order, each at the lowest free address aligned to its\n"
			"\"align\", so alignment padding and fixed ranges that split the pool can\n"
			"make a placement fail even when enough bytes are free in total.",
		.why =
			"The pool is the only host memory set aside for sharing, so the compiler\n"
			"never places a region outside it: anywhere else is memory Xen or another\n"
			"domain may be using, or memory dom0 is not allowed to grant, which makes\n"
			"\"xl create\" fail with EPERM.",
		.fix =
			"Enlarge the pool (and the reservation in the host device tree), shrink\n"
			"the regions or their \"align\", or move fixed \"host\" ranges to one end of\n"
			"the pool:\n"
			"\n"
			"    xen:\n"
			"      pool: { base: 0x60000000, size: 128M }    # was 64M",
	},
	[C_BACKEND_UNSUPPORTED] = {
		.summary = "the backend, or 'up', cannot do what the topology asks",
		.meaning =
			"The chosen backend or command cannot implement part of the topology:\n"
			"\"dom0less\" or \"static-shm\" on x86_64, a \"pv\" VM with shm mappings, or\n"
			"\"xl\" keys in a topology given to \"up\".",
		.why =
			"Dom0less static shared memory (CONFIG_STATIC_SHM) exists only on Arm,\n"
			"and the downstream static_shm xl option is Arm only: x86 is rejected. An\n"
			"x86 PV guest gets permission to the iomem range only, libxc maps nothing\n"
			"into its address space, so a mapping's guest address would not exist in\n"
			"it. \"up\" builds the domains through libxl itself and cannot apply raw xl\n"
			"keys, which only ever go into the generated xl/VM.cfg.\n"
			"\n"
			"(\"up\" with a backend other than iomem is handled differently: it\n"
			"explains how to apply that backend's artifacts and exits 1.)",
		.fix =
			"On x86_64 use the iomem backend; make VMs that share memory pvh or hvm;\n"
			"for topologies with \"xl\" keys use \"build\" and start the domains with xl,\n"
			"following plan.sh:\n"
			"\n"
			"    xen:\n"
			"      arch: x86_64\n"
			"      backend: iomem\n"
			"      pool: { base: 0xfe000000, size: 1M }\n"
			"    vms:\n"
			"      - name: peer\n"
			"        type: pvh",
	},
	[C_ID_CHARSET] = {
		.summary = "the static-shm backend and the ID has '-'",
		.meaning =
			"With the static-shm backend, a region ID contains \"-\". The format allows\n"
			"\"-\" in IDs, but this backend does not.",
		.why =
			"The static_shm xl option accepts only IDs of [_a-zA-Z0-9]+, so the\n"
			"generated static_shm = [ \"id=...\" ] entry would be refused by the\n"
			"toolstack at \"xl create\" time, one domain at a time.",
		.fix =
			"Use \"_\" instead, in the \"regions\" key and in every mapping:\n"
			"\n"
			"    regions:\n"
			"      sensor_ring: { size: 2M }     # was sensor-ring",
	},
	[C_STATIC_SHM_OWNER_RANGE] = {
		.summary = "static-shm: an owner's range is outside its RAM or on its boot modules, or a borrower's inside",
		.meaning =
			"With the static-shm backend, the owner's guest range of a region is not\n"
			"entirely inside the owner's RAM, or it lies where libxc loads the\n"
			"owner's device tree and ramdisk, or a borrower's guest range overlaps\n"
			"the borrower's RAM. (guest-ram-overlap does not fire under this\n"
			"backend.) libxc puts the boot modules at RAM0 + 128 MiB when RAM0 has\n"
			"room for them there, else at the top of RAM0; the check takes 2 MiB for\n"
			"the device tree and 32 MiB more with a ramdisk.",
		.why =
			"This is how static_shm works: the owner shares part of its own RAM (the\n"
			"range is inside its memory, not added to it), and each borrower maps\n"
			"that memory at an address outside its own RAM. The owner's RAM also\n"
			"receives its device tree and ramdisk before it runs: a region there is\n"
			"overwritten at boot and the guest's device tree sits in shared memory.\n"
			"libxl checks none of this for the whole topology, only one domain at a\n"
			"time when \"xl create\" runs; this check finds it before anything boots.",
		.fix =
			"Drop \"at\" on the owner's mapping: owners are placed at the top of their\n"
			"RAM0, top down, clear of the boot modules. Size the owner's \"memory\" to\n"
			"include its regions, and put borrowers' mappings outside their RAM:\n"
			"\n"
			"    vms:\n"
			"      - name: sensor              # owner, RAM0 0x40000000..0x48000000\n"
			"        memory: 128M              # device tree in the top 2 MiB\n"
			"        shm: [ { id: ring0, at: 0x47C00000, size: 2M } ]   # just below it\n"
			"      - name: logger              # borrower\n"
			"        shm: [ { id: ring0, at: 0x05000000 } ]\n"
			"    regions:\n"
			"      ring0: { owner: sensor }",
	},
	[C_GUEST_DEVICE_TREE] = {
		.summary = "an arm64 xl guest with regions has its own device_tree",
		.meaning =
			"The VM sets \"device_tree\" and maps regions, on arm64 with an xl\n"
			"backend (iomem or static-shm). Without it, build writes\n"
			"guest/VM/xenshm.dtb, a partial device tree with one /passthrough node\n"
			"per region (compatible \"xen,shared-memory-v1\", reg, xen,id), and the\n"
			"xl config and \"up\" pass it with device_tree=. With it, the VM's own\n"
			"tree is passed instead. This is a warning by default.",
		.why =
			"libxl takes one partial device tree per guest and copies only its\n"
			"/passthrough and /aliases nodes into the tree the guest boots with. A\n"
			"guest whose tree lacks the regions' nodes cannot find them by ID\n"
			"(libxenshm, xenshm-guest), only through xenstore or guest/VM/xenshm.h.",
		.fix =
			"Copy the region nodes into the /passthrough node of your partial tree.\n"
			"\"dtc -I dtb -O dts guest/VM/xenshm.dtb\" shows them; or include\n"
			"the same nodes from your .dts source and compile it again:\n"
			"\n"
			"    passthrough {\n"
			"        compatible = \"simple-bus\";\n"
			"        ranges;\n"
			"        #address-cells = <2>;\n"
			"        #size-cells = <2>;\n"
			"        ethernet@ff0e0000 { ... };         /* your device */\n"
			"        xen-shmem@5000000 {                /* from xenshm.dtb */\n"
			"            compatible = \"xen,shared-memory-v1\";\n"
			"            reg = <0x0 0x5000000 0x0 0x200000>;\n"
			"            xen,id = \"ring0\";\n"
			"        };\n"
			"    };\n"
			"\n"
			"Then silence the warning with -Wno-guest-device-tree.",
	},
	[C_DOM0LESS_LIMITS] = {
		.summary = "dom0less: too many regions, or no host address before Xen 4.19",
		.meaning =
			"With the dom0less backend, the topology, or one VM, has more than 32\n"
			"distinct regions; or \"xen.version\" is before 4.19 and a region has no\n"
			"host address. The 32-region limit is Xen 4.19's and is applied to all\n"
			"versions. A region without \"host\" gets one from the pool when there is\n"
			"one.",
		.why =
			"Dom0less Xen reads the shared-memory nodes under /chosen when it builds\n"
			"the domains at boot, and 4.19 accepts at most 32 regions. Only Xen 4.19\n"
			"and later allocate the host memory when \"xen,shared-mem\" omits the host\n"
			"address; earlier releases need <HOST GUEST SIZE>. Either way Xen would\n"
			"find the problem only at boot, while building the domains.",
		.fix =
			"Merge regions so that no more than 32 are left. Before 4.19, give each\n"
			"region a \"host\", or declare \"xen.pool\" so the compiler places them:\n"
			"\n"
			"    xen:\n"
			"      arch: arm64\n"
			"      backend: dom0less\n"
			"      version: \"4.18\"\n"
			"      pool: { base: 0x60000000, size: 64M }\n"
			"    regions:\n"
			"      ring0: { size: 2M, host: 0x60000000 }",
	},
};

const struct explanation *explain_of(enum check_id id)
{
	return explanations[id].summary ? &explanations[id] : NULL;
}
