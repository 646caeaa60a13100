/* The user-space target of the uprobe tests: surf_target is called once
 * per iteration, with the iteration number as its first argument. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int surf_target(int a, int b)
{
	return a + b;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int sum = 0;

	for (int i = 0; i < n; i++)
		sum += surf_target(i, 42);
	printf("%d\n", sum);
	return 0;
}
