/*
 * Fixture for the live tests: user probes on func and parse_pkt, a libc
 * getpid call, and a fixed number of rounds so tests can count events.
 *
 * usage: fixture [ROUNDS [DELAY_MS]]
 * Prints its pid (from getpid) on the first line, then runs ROUNDS rounds.
 */
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct inner {
	int a;
	short b;
};

struct outer {
	int v;
	struct inner in;
	char name[16];
	char *msg;
	unsigned flags : 3, kind : 5;
};

/* An IPv4 header without options followed by a UDP header, as on the wire. */
struct pkt {
	struct iphdr ip;
	struct udphdr udp;
	char payload[16];
};

__attribute__((noinline)) int func(int v, struct outer *o)
{
	return v + o->in.a;
}

__attribute__((noinline)) int parse_pkt(const unsigned char *buf, unsigned long len)
{
	const struct pkt *p = (const void *)buf;
	if (len < sizeof(p->ip) + sizeof(p->udp))
		return -1;
	return ntohs(p->udp.dest);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;
	int delay_ms = argc > 2 ? atoi(argv[2]) : 0;
	struct outer o = {1, {2, 3}, "hello world", "a b c", 5, 9};
	struct pkt p;
	struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};

	memset(&p, 0, sizeof(p));
	p.ip.version = 4;
	p.ip.ihl = 5;
	p.ip.ttl = 64;
	p.ip.protocol = 17;
	p.ip.tot_len = htons(sizeof(p));
	p.ip.saddr = htonl(0x0a010203); /* 10.1.2.3 */
	p.ip.daddr = htonl(0xc0a80001); /* 192.168.0.1 */
	p.udp.source = htons(1234);
	p.udp.dest = htons(9988);
	p.udp.len = htons(sizeof(p.udp) + sizeof(p.payload));
	strcpy(p.payload, "Hello World");

	printf("%d\n", (int)getpid());
	fflush(stdout);
	for (int i = 0; i < rounds; i++) {
		func(i + 40, &o);
		parse_pkt((const unsigned char *)&p, sizeof(p));
		if (delay_ms > 0)
			nanosleep(&ts, NULL);
	}
	return 0;
}
