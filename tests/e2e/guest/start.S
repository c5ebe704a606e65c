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
	ldr	x1, =__bss_start	/* C wants .bss zeroed: guest RAM may hold an earlier boot's */
	ldr	x2, =__bss_end
2:	cmp	x1, x2
	b.hs	3f
	str	xzr, [x1], #8
	b	2b
3:	bl	main
1:	wfi
	b	1b
	.ltorg

	.section .bss
	.balign	16
	.space	0x10000
stack_top:
