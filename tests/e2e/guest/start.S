/* Entry of the bare-metal test guest: an arm64 Image header (what libxl's loader wants), a stack, main. */
	.section .head, "ax"
	.globl	_start
_start:
	b	reset			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: loaded at the start of RAM0 */
	.quad	_end - _start		/* image_size */
	.quad	0			/* flags: little endian, 4K pages */
	.quad	0, 0, 0			/* reserved */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* reserved */
reset:
	ldr	x1, =stack_top
	mov	sp, x1
	bl	main
1:	wfi
	b	1b
	.ltorg

	.section .bss
	.balign	16
	.space	0x10000
stack_top:
