#include "coordinator/local_slots.hpp"

#include <doctest/doctest.h>

using namespace ferry::coordinator;

TEST_CASE("local slots are granted first come, first served") {
    LocalSlots slots(2);
    std::vector<OwnerId> granted;
    CHECK(slots.acquire(1));
    CHECK(slots.acquire(2));
    CHECK_FALSE(slots.acquire(3));
    CHECK_FALSE(slots.acquire(4));
    CHECK(slots.in_use() == 2);
    CHECK(slots.waiting() == 2);
    CHECK(slots.release(1, granted));
    CHECK(granted == std::vector<OwnerId>{3});
    granted.clear();
    CHECK(slots.release(2, granted));
    CHECK(granted == std::vector<OwnerId>{4});
    CHECK(slots.in_use() == 2);
    CHECK(slots.waiting() == 0);
}

TEST_CASE("a newcomer does not jump the queue when a slot frees") {
    LocalSlots slots(1);
    std::vector<OwnerId> granted;
    CHECK(slots.acquire(1));
    CHECK_FALSE(slots.acquire(2));
    CHECK(slots.release(1, granted));
    CHECK(granted == std::vector<OwnerId>{2});
    CHECK_FALSE(slots.acquire(3)); // 2 holds the only slot now
}

TEST_CASE("releasing a slot one does not hold is refused") {
    LocalSlots slots(1);
    std::vector<OwnerId> granted;
    CHECK_FALSE(slots.release(7, granted));
    CHECK(slots.acquire(1));
    CHECK_FALSE(slots.release(2, granted));
    CHECK(slots.in_use() == 1);
}

TEST_CASE("a disconnect frees every slot of the owner and forgets its waits") {
    LocalSlots slots(2);
    std::vector<OwnerId> granted;
    CHECK(slots.acquire(1));
    CHECK(slots.acquire(1)); // one connection may hold several (ferry make)
    CHECK_FALSE(slots.acquire(2));
    CHECK_FALSE(slots.acquire(1));
    CHECK_FALSE(slots.acquire(3));
    CHECK(slots.held_by(1) == 2);
    slots.drop_owner(1, granted);
    CHECK(granted == std::vector<OwnerId>{2, 3});
    CHECK(slots.held_by(1) == 0);
    CHECK(slots.in_use() == 2);
    CHECK(slots.waiting() == 0);
    granted.clear();
    slots.drop_owner(2, granted); // a waiter that went away is never granted
    CHECK(granted.empty());
    CHECK(slots.in_use() == 1);
}

TEST_CASE("zero capacity still allows one local job") {
    LocalSlots slots(0);
    CHECK(slots.capacity() == 1);
    CHECK(slots.acquire(1));
}
