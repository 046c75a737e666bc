// Real command lines and what must happen to them. Expected values are written out by hand
// from what gcc 12 and clang 14 do (see depfile_test.cpp for the experiments that back the
// depfile and output names); nothing here is computed by the code under test.
#include "compiler/args.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <sstream>

using namespace ferry::compiler;

namespace {

// "a b c" -> {"a", "b", "c"}: only for writing the table compactly.
std::vector<std::string> w(const char* words) {
    std::vector<std::string> out;
    std::istringstream in(words);
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

struct Remote {
    const char* what;
    const char* compiler;
    std::vector<std::string> args;
    const char* language;
    std::vector<std::string> scan;
    std::vector<std::string> remote;
    std::vector<std::string> outputs;
    const char* depfile;
};

struct Local {
    const char* what;
    const char* compiler;
    std::vector<std::string> args;
    const char* reason; // substring of the reason
    std::vector<std::string> env = {};
};

const Remote kRemote[] = {
    {"CMake Ninja, g++", "/usr/bin/c++",
     w("-DFOO -I/src/include -O2 -g -DNDEBUG -std=gnu++17 -MD -MT CMakeFiles/x.dir/a.cpp.o -MF "
       "CMakeFiles/x.dir/a.cpp.o.d -o CMakeFiles/x.dir/a.cpp.o -c /src/a.cpp"),
     "c++",
     w("-DFOO -I/src/include -O2 -g -DNDEBUG -std=gnu++17 -MD -MT CMakeFiles/x.dir/a.cpp.o -MF "
       "CMakeFiles/x.dir/a.cpp.o.d /src/a.cpp -E -o /dev/null -H -v"),
     w("-DFOO -I/src/include -O2 -g -DNDEBUG -std=gnu++17 -o CMakeFiles/x.dir/a.cpp.o -c "
       "/src/a.cpp"),
     w("CMakeFiles/x.dir/a.cpp.o"), "CMakeFiles/x.dir/a.cpp.o.d"},
    {"CMake Makefiles, cc", "/usr/bin/cc",
     w("-DBAR -I/src/inc -isystem /opt/x/include -O3 -DNDEBUG -fPIC -MD -MT "
       "src/CMakeFiles/lib.dir/b.c.o -MF CMakeFiles/lib.dir/b.c.o.d -o CMakeFiles/lib.dir/b.c.o "
       "-c /src/b.c"),
     "c",
     w("-DBAR -I/src/inc -isystem /opt/x/include -O3 -DNDEBUG -fPIC -MD -MT "
       "src/CMakeFiles/lib.dir/b.c.o -MF CMakeFiles/lib.dir/b.c.o.d /src/b.c -E -o /dev/null -H "
       "-v"),
     w("-DBAR -I/src/inc -isystem /opt/x/include -O3 -DNDEBUG -fPIC -o CMakeFiles/lib.dir/b.c.o "
       "-c /src/b.c"),
     w("CMakeFiles/lib.dir/b.c.o"), "CMakeFiles/lib.dir/b.c.o.d"},
    {"CMake, clang++", "/usr/bin/clang++",
     w("-I/src/include -O2 -g -std=c++20 -Wall -Wextra -MD -MT CMakeFiles/x.dir/a.cpp.o -MF "
       "CMakeFiles/x.dir/a.cpp.o.d -o CMakeFiles/x.dir/a.cpp.o -c /src/a.cpp"),
     "c++",
     w("-I/src/include -O2 -g -std=c++20 -Wall -Wextra -MD -MT CMakeFiles/x.dir/a.cpp.o -MF "
       "CMakeFiles/x.dir/a.cpp.o.d /src/a.cpp -E -o /dev/null -H -v"),
     w("-I/src/include -O2 -g -std=c++20 -Wall -Wextra -o CMakeFiles/x.dir/a.cpp.o -c "
       "/src/a.cpp"),
     w("CMakeFiles/x.dir/a.cpp.o"), "CMakeFiles/x.dir/a.cpp.o.d"},
    {"CMake, g++ -gsplit-dwarf", "c++",
     w("-O2 -g -gsplit-dwarf -MD -MT CMakeFiles/x.dir/a.cpp.o -MF CMakeFiles/x.dir/a.cpp.o.d -o "
       "CMakeFiles/x.dir/a.cpp.o -c /src/a.cpp"),
     "c++",
     w("-O2 -g -gsplit-dwarf -MD -MT CMakeFiles/x.dir/a.cpp.o -MF CMakeFiles/x.dir/a.cpp.o.d "
       "/src/a.cpp -E -o /dev/null -H -v"),
     w("-O2 -g -gsplit-dwarf -o CMakeFiles/x.dir/a.cpp.o -c /src/a.cpp"),
     w("CMakeFiles/x.dir/a.cpp.o CMakeFiles/x.dir/a.cpp.dwo"), "CMakeFiles/x.dir/a.cpp.o.d"},
    {"CMake, clang++ -gsplit-dwarf", "clang++-14",
     w("-O2 -g -gsplit-dwarf -MD -MT CMakeFiles/x.dir/a.cpp.o -MF CMakeFiles/x.dir/a.cpp.o.d -o "
       "CMakeFiles/x.dir/a.cpp.o -c /src/a.cpp"),
     "c++",
     w("-O2 -g -gsplit-dwarf -MD -MT CMakeFiles/x.dir/a.cpp.o -MF CMakeFiles/x.dir/a.cpp.o.d "
       "/src/a.cpp -E -o /dev/null -H -v"),
     w("-O2 -g -gsplit-dwarf -o CMakeFiles/x.dir/a.cpp.o -c /src/a.cpp"),
     w("CMakeFiles/x.dir/a.cpp.o CMakeFiles/x.dir/a.cpp.dwo"), "CMakeFiles/x.dir/a.cpp.o.d"},
    {"libtool", "gcc",
     w("-DHAVE_CONFIG_H -I. -I.. -g -O2 -MT foo.lo -MD -MP -MF .deps/foo.Tpo -c foo.c -fPIC "
       "-DPIC -o .libs/foo.o"),
     "c",
     w("-DHAVE_CONFIG_H -I. -I.. -g -O2 -MT foo.lo -MD -MP -MF .deps/foo.Tpo foo.c -fPIC -DPIC "
       "-E -o /dev/null -H -v"),
     w("-DHAVE_CONFIG_H -I. -I.. -g -O2 -c foo.c -fPIC -DPIC -o .libs/foo.o"), w(".libs/foo.o"),
     ".deps/foo.Tpo"},
    {"automake without libtool", "gcc",
     w("-DHAVE_CONFIG_H -I. -g -O2 -MT foo.o -MD -MP -MF .deps/foo.Tpo -c -o foo.o foo.c"), "c",
     w("-DHAVE_CONFIG_H -I. -g -O2 -MT foo.o -MD -MP -MF .deps/foo.Tpo foo.c -E -o /dev/null -H "
       "-v"),
     w("-DHAVE_CONFIG_H -I. -g -O2 -c -o foo.o foo.c"), w("foo.o"), ".deps/foo.Tpo"},
    {"meson, cc", "cc",
     w("-Ifoo.p -I. -I.. -fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall -Winvalid-pch "
       "-O0 -g -MD -MQ foo.p/a.c.o -MF foo.p/a.c.o.d -o foo.p/a.c.o -c ../a.c"),
     "c",
     w("-Ifoo.p -I. -I.. -fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall -Winvalid-pch "
       "-O0 -g -MD -MQ foo.p/a.c.o -MF foo.p/a.c.o.d ../a.c -E -o /dev/null -H -v"),
     w("-Ifoo.p -I. -I.. -fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall -Winvalid-pch "
       "-O0 -g -o foo.p/a.c.o -c ../a.c"),
     w("foo.p/a.c.o"), "foo.p/a.c.o.d"},
    {"meson, clang++", "clang++",
     w("-Ilib.p -I. -I.. -fdiagnostics-color=always -D_GLIBCXX_ASSERTIONS=1 -Wall -Winvalid-pch "
       "-Wnon-virtual-dtor -std=c++17 -O2 -g -fPIC -MD -MQ lib.p/x.cpp.o -MF lib.p/x.cpp.o.d -o "
       "lib.p/x.cpp.o -c ../x.cpp"),
     "c++",
     w("-Ilib.p -I. -I.. -fdiagnostics-color=always -D_GLIBCXX_ASSERTIONS=1 -Wall -Winvalid-pch "
       "-Wnon-virtual-dtor -std=c++17 -O2 -g -fPIC -MD -MQ lib.p/x.cpp.o -MF lib.p/x.cpp.o.d "
       "../x.cpp -E -o /dev/null -H -v"),
     w("-Ilib.p -I. -I.. -fdiagnostics-color=always -D_GLIBCXX_ASSERTIONS=1 -Wall -Winvalid-pch "
       "-Wnon-virtual-dtor -std=c++17 -O2 -g -fPIC -o lib.p/x.cpp.o -c ../x.cpp"),
     w("lib.p/x.cpp.o"), "lib.p/x.cpp.o.d"},
    {"-MD with -o: -MF and -MQ made explicit", "gcc", w("-MD -c src/foo.c -o out/x.o"), "c",
     w("-MD src/foo.c -E -o /dev/null -H -v -MF out/x.d -MQ out/x.o"), w("-c src/foo.c -o out/x.o"),
     w("out/x.o"), "out/x.d"},
    {"-MD with -o, clang", "clang", w("-MD -c src/foo.c -o out/x.o"), "c",
     w("-MD src/foo.c -E -o /dev/null -H -v -MF out/x.d -MQ out/x.o"), w("-c src/foo.c -o out/x.o"),
     w("out/x.o"), "out/x.d"},
    {"gcc -MMD -MP", "gcc", w("-MMD -MP -c src/foo.c -o out/x.o"), "c",
     w("-MMD -MP src/foo.c -E -o /dev/null -H -v -MF out/x.d -MQ out/x.o"),
     w("-c src/foo.c -o out/x.o"), w("out/x.o"), "out/x.d"},
    {"-MD without -o", "g++", w("-MD -c ../src/foo.cpp"), "c++",
     w("-MD ../src/foo.cpp -E -o /dev/null -H -v -MF foo.d -MQ foo.o"), w("-c ../src/foo.cpp"),
     w("foo.o"), "foo.d"},
    {"-MD -S without -o: target is still foo.o", "clang", w("-MD -S src/foo.c"), "c",
     w("-MD src/foo.c -E -o /dev/null -H -v -MF foo.d -MQ foo.o"), w("-S src/foo.c"), w("foo.s"),
     "foo.d"},
    {"-MD -S with -o", "gcc", w("-MD -S src/foo.c -o out/x.s"), "c",
     w("-MD src/foo.c -E -o /dev/null -H -v -MF out/x.d -MQ out/x.s"), w("-S src/foo.c -o out/x.s"),
     w("out/x.s"), "out/x.d"},
    {"object with a space",
     "gcc",
     {"-MD", "-c", "src/foo.c", "-o", "sub dir/x.o"},
     "c",
     {"-MD", "src/foo.c", "-E", "-o", "/dev/null", "-H", "-v", "-MF", "sub dir/x.d", "-MQ",
      "sub dir/x.o"},
     {"-c", "src/foo.c", "-o", "sub dir/x.o"},
     {"sub dir/x.o"},
     "sub dir/x.d"},
    {"object with a dollar", "clang++", w("-MD -c src/foo.cpp -o out/a$b.o"), "c++",
     w("-MD src/foo.cpp -E -o /dev/null -H -v -MF out/a$b.d -MQ out/a$b.o"),
     w("-c src/foo.cpp -o out/a$b.o"), w("out/a$b.o"), "out/a$b.d"},
    {"object with two extensions", "gcc", w("-MD -c foo.c -o out/x.c.o"), "c",
     w("-MD foo.c -E -o /dev/null -H -v -MF out/x.c.d -MQ out/x.c.o"), w("-c foo.c -o out/x.c.o"),
     w("out/x.c.o"), "out/x.c.d"},
    {"object without extension", "gcc", w("-MD -c foo.c -o out/x"), "c",
     w("-MD foo.c -E -o /dev/null -H -v -MF out/x.d -MQ out/x"), w("-c foo.c -o out/x"), w("out/x"),
     "out/x.d"},
    {"object named like a dot file", "clang", w("-MD -c foo.c -o out.d/.x"), "c",
     w("-MD foo.c -E -o /dev/null -H -v -MF out.d/.d -MQ out.d/.x"), w("-c foo.c -o out.d/.x"),
     w("out.d/.x"), "out.d/.d"},
    {"-MF and -MT given", "gcc", w("-MD -MF x.d -MT custom -c foo.c -o out/x.o"), "c",
     w("-MD -MF x.d -MT custom foo.c -E -o /dev/null -H -v"), w("-c foo.c -o out/x.o"),
     w("out/x.o"), "x.d"},
    {"joined spellings", "gcc", w("-MD -MFdeps/x.d -MTcustom -c foo.c -ofoo.o"), "c",
     w("-MD -MFdeps/x.d -MTcustom foo.c -E -o /dev/null -H -v"), w("-c foo.c -ofoo.o"), w("foo.o"),
     "deps/x.d"},
    {"-MQ given, -MF not", "gcc", w("-MD -MQ a$b -c foo.c -o x.o"), "c",
     w("-MD -MQ a$b foo.c -E -o /dev/null -H -v -MF x.d"), w("-c foo.c -o x.o"), w("x.o"), "x.d"},
    {"long dependency spelling", "gcc", w("--write-dependencies -c foo.c -o x.o"), "c",
     w("--write-dependencies foo.c -E -o /dev/null -H -v -MF x.d -MQ x.o"), w("-c foo.c -o x.o"),
     w("x.o"), "x.d"},
    {"--output=", "gcc", w("-c foo.c --output=out/x.o"), "c", w("foo.c -E -o /dev/null -H -v"),
     w("-c foo.c --output=out/x.o"), w("out/x.o"), ""},
    {"--output separate, --compile", "gcc", w("--compile foo.c --output out/x.o"), "c",
     w("foo.c -E -o /dev/null -H -v"), w("--compile foo.c --output out/x.o"), w("out/x.o"), ""},
    {"-x c++ on a .c file", "gcc", w("-x c++ -c foo.c -o foo.o"), "c++",
     w("-x c++ foo.c -E -o /dev/null -H -v"), w("-x c++ -c foo.c -o foo.o"), w("foo.o"), ""},
    {"g++ compiles .c as C++", "g++", w("-c foo.c"), "c++", w("foo.c -E -o /dev/null -H -v"),
     w("-c foo.c"), w("foo.o"), ""},
    {"clang++ compiles .c as C++", "clang++", w("-c foo.c"), "c++",
     w("foo.c -E -o /dev/null -H -v"), w("-c foo.c"), w("foo.o"), ""},
    {"gcc compiles .cpp as C++", "gcc", w("-c foo.cpp"), "c++", w("foo.cpp -E -o /dev/null -H -v"),
     w("-c foo.cpp"), w("foo.o"), ""},
    {"-xc joined overrides .cpp", "clang++", w("-xc -c foo.cpp"), "c",
     w("-xc foo.cpp -E -o /dev/null -H -v"), w("-xc -c foo.cpp"), w("foo.o"), ""},
    {"-x none restores the driver's rule", "g++", w("-x c -x none -c foo.c"), "c++",
     w("-x c -x none foo.c -E -o /dev/null -H -v"), w("-x c -x none -c foo.c"), w("foo.o"), ""},
    {"other C++ extensions", "gcc", w("-c dir/x.C -o x.o"), "c++",
     w("dir/x.C -E -o /dev/null -H -v"), w("-c dir/x.C -o x.o"), w("x.o"), ""},
    {".cc", "cc", w("-c x.cc"), "c++", w("x.cc -E -o /dev/null -H -v"), w("-c x.cc"), w("x.o"), ""},
    {".cxx .c++ .cp .CPP", "x86_64-linux-gnu-gcc-12", w("-c x.c++"), "c++",
     w("x.c++ -E -o /dev/null -H -v"), w("-c x.c++"), w("x.o"), ""},
    {"-S", "gcc", w("-O2 -S foo.c"), "c", w("-O2 foo.c -E -o /dev/null -H -v"), w("-O2 -S foo.c"),
     w("foo.s"), ""},
    {"gcc -gsplit-dwarf without -o", "gcc", w("-g -gsplit-dwarf -c src/foo.c"), "c",
     w("-g -gsplit-dwarf src/foo.c -E -o /dev/null -H -v"), w("-g -gsplit-dwarf -c src/foo.c"),
     w("foo.o foo.dwo"), ""},
    {"clang -gsplit-dwarf -S: the .dwo is named after the source", "clang",
     w("-g -gsplit-dwarf -S src/foo.c -o out/x.s"), "c",
     w("-g -gsplit-dwarf src/foo.c -E -o /dev/null -H -v"),
     w("-g -gsplit-dwarf -S src/foo.c -o out/x.s"), w("out/x.s foo.dwo"), ""},
    {"gcc -gsplit-dwarf -S: no .dwo", "gcc", w("-g -gsplit-dwarf -S src/foo.c -o out/x.s"), "c",
     w("-g -gsplit-dwarf src/foo.c -E -o /dev/null -H -v"),
     w("-g -gsplit-dwarf -S src/foo.c -o out/x.s"), w("out/x.s"), ""},
    {"clang -gsplit-dwarf without -g: no .dwo", "clang", w("-gsplit-dwarf -c foo.c -o x.o"), "c",
     w("-gsplit-dwarf foo.c -E -o /dev/null -H -v"), w("-gsplit-dwarf -c foo.c -o x.o"), w("x.o"),
     ""},
    {"gcc -gsplit-dwarf without -g: .dwo anyway", "gcc", w("-gsplit-dwarf -c foo.c -o x.o"), "c",
     w("-gsplit-dwarf foo.c -E -o /dev/null -H -v"), w("-gsplit-dwarf -c foo.c -o x.o"),
     w("x.o x.dwo"), ""},
    {"clang -g -g0 -gsplit-dwarf: no .dwo", "clang", w("-g -g0 -gsplit-dwarf -c foo.c -o x.o"), "c",
     w("-g -g0 -gsplit-dwarf foo.c -E -o /dev/null -H -v"),
     w("-g -g0 -gsplit-dwarf -c foo.c -o x.o"), w("x.o"), ""},
    {"-gno-split-dwarf last", "g++", w("-g -gsplit-dwarf -gno-split-dwarf -c foo.cc -o x.o"), "c++",
     w("-g -gsplit-dwarf -gno-split-dwarf foo.cc -E -o /dev/null -H -v"),
     w("-g -gsplit-dwarf -gno-split-dwarf -c foo.cc -o x.o"), w("x.o"), ""},
    {"gcc .dwo keeps a leading dot", "gcc", w("-g -gsplit-dwarf -c foo.c -o out.d/.x"), "c",
     w("-g -gsplit-dwarf foo.c -E -o /dev/null -H -v"), w("-g -gsplit-dwarf -c foo.c -o out.d/.x"),
     w("out.d/.x out.d/.x.dwo"), ""},
    {"-fstack-usage, gcc", "gcc", w("-fstack-usage -c foo.c -o out.d/.x"), "c",
     w("-fstack-usage foo.c -E -o /dev/null -H -v"), w("-fstack-usage -c foo.c -o out.d/.x"),
     w("out.d/.x out.d/.x.su"), ""},
    {"-fstack-usage, clang", "clang", w("-fstack-usage -c foo.c -o out.d/.x"), "c",
     w("-fstack-usage foo.c -E -o /dev/null -H -v"), w("-fstack-usage -c foo.c -o out.d/.x"),
     w("out.d/.x out.d/.su"), ""},
    {"-fstack-usage -S without -o", "g++", w("-fstack-usage -S ../foo.cc"), "c++",
     w("-fstack-usage ../foo.cc -E -o /dev/null -H -v"), w("-fstack-usage -S ../foo.cc"),
     w("foo.s foo.su"), ""},
    {"-fstack-usage and -gsplit-dwarf", "clang++",
     w("-g -gsplit-dwarf -fstack-usage -c a.cpp -o out/s.o"), "c++",
     w("-g -gsplit-dwarf -fstack-usage a.cpp -E -o /dev/null -H -v"),
     w("-g -gsplit-dwarf -fstack-usage -c a.cpp -o out/s.o"), w("out/s.o out/s.dwo out/s.su"), ""},
    {"everyday flags", "gcc",
     w("-pipe -pthread -fPIC -pedantic -w -Wl,--as-needed -Wa,--noexecstack -fvisibility=hidden "
       "-ffile-prefix-map=/src=. -fdebug-prefix-map=/a=/b -fmacro-prefix-map=/c=d "
       "--param=max-inline-insns-single=100 --param max-unroll-times=4 -march=x86-64-v2 "
       "-mtune=generic -nostdinc -isystem /usr/include -fdiagnostics-color=always -flto=auto "
       "-ggdb3 -gdwarf-4 -std=c11 -lm -L/usr/lib -c foo.c -o foo.o"),
     "c",
     w("-pipe -pthread -fPIC -pedantic -w -Wl,--as-needed -Wa,--noexecstack -fvisibility=hidden "
       "-ffile-prefix-map=/src=. -fdebug-prefix-map=/a=/b -fmacro-prefix-map=/c=d "
       "--param=max-inline-insns-single=100 --param max-unroll-times=4 -march=x86-64-v2 "
       "-mtune=generic -nostdinc -isystem /usr/include -fdiagnostics-color=always -flto=auto "
       "-ggdb3 -gdwarf-4 -std=c11 -lm -L/usr/lib foo.c -E -o /dev/null -H -v"),
     w("-pipe -pthread -fPIC -pedantic -w -Wl,--as-needed -Wa,--noexecstack -fvisibility=hidden "
       "-ffile-prefix-map=/src=. -fdebug-prefix-map=/a=/b -fmacro-prefix-map=/c=d "
       "--param=max-inline-insns-single=100 --param max-unroll-times=4 -march=x86-64-v2 "
       "-mtune=generic -nostdinc -isystem /usr/include -fdiagnostics-color=always -flto=auto "
       "-ggdb3 -gdwarf-4 -std=c11 -lm -L/usr/lib -c foo.c -o foo.o"),
     w("foo.o"), ""},
    {"separate values are never sources", "gcc",
     w("-D X -U Y -I inc -o out.o -x c -Xlinker -rpath -Xlinker lib -l m -L lib -c in.c"), "c",
     w("-D X -U Y -I inc -x c -Xlinker -rpath -Xlinker lib -l m -L lib in.c -E -o /dev/null -H "
       "-v"),
     w("-D X -U Y -I inc -o out.o -x c -Xlinker -rpath -Xlinker lib -l m -L lib -c in.c"),
     w("out.o"), ""},
    {"clang target", "clang",
     w("-target x86_64-linux-gnu --target=x86_64-linux-gnu -Qunused-arguments -c a.c"), "c",
     w("-target x86_64-linux-gnu --target=x86_64-linux-gnu -Qunused-arguments a.c -E -o "
       "/dev/null -H -v"),
     w("-target x86_64-linux-gnu --target=x86_64-linux-gnu -Qunused-arguments -c a.c"), w("a.o"),
     ""},
    {"kernel-like, without -Wp", "gcc",
     w("-nostdinc -I./arch/x86/include -D__KERNEL__ -fno-PIE -mno-red-zone -mcmodel=kernel "
       "-fno-strict-aliasing -Werror=implicit-function-declaration -O2 -c -o fs/x.o fs/x.c"),
     "c",
     w("-nostdinc -I./arch/x86/include -D__KERNEL__ -fno-PIE -mno-red-zone -mcmodel=kernel "
       "-fno-strict-aliasing -Werror=implicit-function-declaration -O2 fs/x.c -E -o /dev/null -H "
       "-v"),
     w("-nostdinc -I./arch/x86/include -D__KERNEL__ -fno-PIE -mno-red-zone -mcmodel=kernel "
       "-fno-strict-aliasing -Werror=implicit-function-declaration -O2 -c -o fs/x.o fs/x.c"),
     w("fs/x.o"), ""},
    {"optimisation and code model flags", "clang",
     w("-O3 -Os -Ofast -O -fpic -fPIE -fno-omit-frame-pointer -fsanitize=address -m64 -msse4.2 "
       "-c a.c"),
     "c",
     w("-O3 -Os -Ofast -O -fpic -fPIE -fno-omit-frame-pointer -fsanitize=address -m64 -msse4.2 "
       "a.c -E -o /dev/null -H -v"),
     w("-O3 -Os -Ofast -O -fpic -fPIE -fno-omit-frame-pointer -fsanitize=address -m64 -msse4.2 "
       "-c a.c"),
     w("a.o"), ""},
    // Kbuild's shape. gcc's cc1 names the -Wp, depfile's target itself (after the source, in
    // both passes); clang's driver reads -Wp,-MMD,f as -MMD -MF f, so the target is explicit.
    {"Kbuild -Wp,-MMD, gcc", "gcc",
     w("-Wp,-MMD,fs/.x.o.d -nostdinc -I./arch/x86/include -D__KERNEL__ -c -o fs/x.o fs/x.c"), "c",
     w("-Wp,-MMD,fs/.x.o.d -nostdinc -I./arch/x86/include -D__KERNEL__ fs/x.c -E -o /dev/null -H "
       "-v"),
     w("-nostdinc -I./arch/x86/include -D__KERNEL__ -c -o fs/x.o fs/x.c"), w("fs/x.o"),
     "fs/.x.o.d"},
    {"Kbuild -Wp,-MD, gcc, no -o", "gcc", w("-Wp,-MD,.x.o.d -O2 -c x.c"), "c",
     w("-Wp,-MD,.x.o.d -O2 x.c -E -o /dev/null -H -v"), w("-O2 -c x.c"), w("x.o"), ".x.o.d"},
    {"Kbuild -Wp,-MMD, clang: no -H, target made explicit", "clang",
     w("-Wp,-MMD,fs/.x.o.d -nostdinc -I./include -D__KERNEL__ -c -o fs/x.o fs/x.c"), "c",
     w("-Wp,-MMD,fs/.x.o.d -nostdinc -I./include -D__KERNEL__ fs/x.c -E -o /dev/null -v -MQ "
       "fs/x.o"),
     w("-nostdinc -I./include -D__KERNEL__ -c -o fs/x.o fs/x.c"), w("fs/x.o"), "fs/.x.o.d"},
    {"Kbuild -Wp,-MD, clang keeps the driver's -H", "clang", w("-Wp,-MD,.x.o.d -c x.c"), "c",
     w("-Wp,-MD,.x.o.d x.c -E -o /dev/null -H -v -MQ x.o"), w("-c x.c"), w("x.o"), ".x.o.d"},
    // clang's driver adds -sys-header-deps to -H: that scan only writes the depfile.
    {"clang -MMD: a scan without -H", "clang", w("-MMD -MP -c a.c -o a.o"), "c",
     w("-MMD -MP a.c -E -o /dev/null -v -MF a.d -MQ a.o"), w("-c a.c -o a.o"), w("a.o"), "a.d"},
    {"-include and -imacros in every spelling", "gcc",
     w("-include config.h -includeb.h --include=c.h -imacros m.h -imacrosn.h -c a.c"), "c",
     w("-include config.h -includeb.h --include=c.h -imacros m.h -imacrosn.h a.c -E -o /dev/null "
       "-H -v"),
     w("-include config.h -includeb.h --include=c.h -imacros m.h -imacrosn.h -c a.c"), w("a.o"),
     ""},
    {"an empty CPATH does not count", "gcc", w("-c a.c"), "c", w("a.c -E -o /dev/null -H -v"),
     w("-c a.c"), w("a.o"), ""},
};

const Local kLocal[] = {
    {"-Wp, with a macro", "gcc", w("-Wp,-DFOO -c a.c"), "-Wp,-DFOO"},
    {"-Wp, with -MD and -MT", "gcc", w("-Wp,-MD,a.d,-MT,x -c a.c"), "-Wp,-MD,a.d,-MT,x"},
    {"-Wp,-MMD without a file", "gcc", w("-Wp,-MMD, -c a.c"), "-Wp,-MMD,"},
    {"-Wp,-MMD alone", "gcc", w("-Wp,-MMD -c a.c"), "-Wp,-MMD"},
    {"-Wp,-MF", "clang", w("-Wp,-MF,a.d -c a.c"), "-Wp,-MF,a.d"},
    {"-Wp,-MMD and -MD", "gcc", w("-Wp,-MMD,a.d -MD -c a.c"), "with other dependency options"},
    {"-Wp,-MD and -MT", "clang", w("-Wp,-MD,a.d -MT x -c a.c"), "with other dependency options"},
    {"-Wp,-MMD and -MP", "gcc", w("-MP -Wp,-MMD,a.d -c a.c"), "with other dependency options"},
    {"two -Wp, depfiles", "gcc", w("-Wp,-MMD,a.d -Wp,-MD,b.d -c a.c"), "several -Wp,"},
    {"-include of an empty path", "gcc", {"-include", "", "-c", "a.c"}, "empty path"},
    {"-include relative to the sysroot", "gcc", w("-include =/usr/x.h -c a.c"), "sysroot"},
    {"-imacros relative to the sysroot", "clang", w("-imacros$SYSROOT/m.h -c a.c"), "sysroot"},
    {"link", "gcc", w("-o app main.c"), "no -c or -S"},
    {"link objects", "gcc", w("-o app a.o b.o -lm"), "2 input files"},
    {"several sources", "gcc", w("-c a.c b.c"), "2 input files"},
    {"no source", "gcc", w("-c -O2"), "no source file"},
    {"-E", "gcc", w("-E a.c"), "only preprocesses"},
    {"-M", "gcc", w("-M a.c"), "only preprocesses"},
    {"-MM", "clang", w("-MM -c a.c"), "only preprocesses"},
    {"--preprocess", "gcc", w("--preprocess a.c"), "only preprocesses"},
    {"stdin", "gcc", w("-x c -c - -o x.o"), "stdin"},
    {"stdout", "gcc", w("-c a.c -o -"), "stdout"},
    {"-march=native", "gcc", w("-O2 -march=native -c a.c"), "depends on this machine"},
    {"-mcpu=native", "clang", w("-mcpu=native -c a.c"), "depends on this machine"},
    {"-mtune=native", "gcc", w("-mtune=native -c a.c"), "depends on this machine"},
    {"response file", "gcc", w("@args.rsp"), "response file"},
    {"response file as a value", "gcc", w("-D @defs -c a.c"), "response file"},
    {"response file as -o", "clang", w("-c a.c -o @out"), "response file"},
    {"-save-temps", "gcc", w("-save-temps -c a.c"), "-save-temps"},
    {"-save-temps=obj", "gcc", w("-save-temps=obj -c a.c"), "-save-temps=obj"},
    {"-fprofile-generate", "gcc", w("-fprofile-generate -c a.c"), "profiling"},
    {"-fprofile-use", "clang", w("-fprofile-use=x.profdata -c a.c"), "profiling"},
    {"--coverage", "gcc", w("--coverage -c a.c"), "profiling"},
    {"-ftest-coverage", "gcc", w("-ftest-coverage -c a.c"), "profiling"},
    {"-fprofile-arcs", "gcc", w("-fprofile-arcs -c a.c"), "profiling"},
    {"--sysroot=", "gcc", w("--sysroot=/opt/sys -c a.c"), "--sysroot=/opt/sys"},
    {"--sysroot separate", "gcc", w("--sysroot /opt/sys -c a.c"), "--sysroot /opt/sys"},
    {"-isysroot", "clang", w("-isysroot /opt/sys -c a.c"), "-isysroot /opt/sys"},
    {"-B", "gcc", w("-B/opt/bin -c a.c"), "-B/opt/bin"},
    {"-B separate", "gcc", w("-B /opt/bin -c a.c"), "-B /opt/bin"},
    {"-specs=", "gcc", w("-specs=my.specs -c a.c"), "loads code"},
    {"--specs", "gcc", w("--specs my.specs -c a.c"), "loads code"},
    {"-fplugin", "gcc", w("-fplugin=./p.so -c a.c"), "loads code"},
    {"-fplugin-arg", "gcc", w("-fplugin-arg-p-x=y -c a.c"), "loads code"},
    {"-wrapper", "gcc", w("-wrapper gdb,--args -c a.c"), "loads code"},
    {"-Xclang", "clang", w("-Xclang -load -Xclang x.so -c a.c"), "-Xclang -load"},
    {"-mllvm", "clang", w("-mllvm -inline-threshold=1 -c a.c"), "-mllvm"},
    {"-Xpreprocessor", "gcc", w("-Xpreprocessor -MD -c a.c"), "-Xpreprocessor"},
    {"-fdump", "gcc", w("-fdump-tree-all -c a.c"), "writes files"},
    {"-MG", "gcc", w("-MD -MG -c a.c"), "missing headers"},
    {"-H from the user", "gcc", w("-H -c a.c"), "-H"},
    {"-v from the user", "clang", w("-v -c a.c"), "-v"},
    {"-### from the user", "clang", w("-### -c a.c"), "-###"},
    {"unknown option", "gcc", w("--frobnicate -c a.c"), "unknown option '--frobnicate'"},
    {"unknown -d option", "gcc", w("-dM -c a.c"), "unknown option '-dM'"},
    {"clang option on gcc", "gcc", w("-Qunused-arguments -c a.c"), "unknown option"},
    {"CPATH", "gcc", w("-c a.c"), "CPATH", {"PATH=/usr/bin", "CPATH=/opt/include"}},
    {"CPLUS_INCLUDE_PATH", "g++", w("-c a.cc"), "CPLUS_INCLUDE_PATH", {"CPLUS_INCLUDE_PATH=/x"}},
    {"DEPENDENCIES_OUTPUT", "gcc", w("-c a.c"), "DEPENDENCIES_OUTPUT", {"DEPENDENCIES_OUTPUT=a.d"}},
    {"GCC_EXEC_PREFIX", "gcc", w("-c a.c"), "GCC_EXEC_PREFIX", {"GCC_EXEC_PREFIX=/x/"}},
    {"assembler source", "gcc", w("-c a.s"), "not a C or C++ source"},
    {"preprocessed assembler", "gcc", w("-c a.S"), "not a C or C++ source"},
    {"preprocessed C", "gcc", w("-c a.i"), "not a C or C++ source"},
    {"preprocessed C++", "g++", w("-c a.ii"), "not a C or C++ source"},
    {"Objective-C", "clang", w("-c a.m"), "not a C or C++ source"},
    {"-x assembler", "gcc", w("-x assembler -c a.c"), "language 'assembler'"},
    {"-x objective-c", "clang", w("-x objective-c -c a.c"), "language 'objective-c'"},
    {"-I-", "gcc", w("-I- -c a.c"), "-I-"},
    {"missing value", "gcc", w("-c a.c -o"), "missing argument to '-o'"},
    {"unknown compiler", "icc", w("-c a.c"), "unknown compiler"},
    {"-MF without -MD", "gcc", w("-MF a.d -c a.c"), "without -MD"},
    {"assembler listing", "gcc", w("-Wa,-adhln=a.lst -c a.c"), "-Wa,-adhln=a.lst"},
    {"-Xassembler listing", "gcc", w("-Xassembler -al -c a.c"), "-Xassembler -al"},
    {"sanitizer ignorelist", "clang", w("-fsanitize-ignorelist=ign.txt -c a.c"), "reads a file"},
    {"LTO with split DWARF", "gcc", w("-flto -g -gsplit-dwarf -c a.c"), "LTO"},
    {"LTO with stack usage", "clang", w("-fstack-usage -flto=thin -c a.c"), "LTO"},
    {"both -c and -S", "gcc", w("-c -S a.c"), "both -c and -S"},
    {"-fsyntax-only", "gcc", w("-fsyntax-only -c a.c"), "no object"},
    {"-frecord-gcc-switches", "gcc", w("-frecord-gcc-switches -c a.c"), "command line"},
    {"clang -grecord-command-line", "clang", w("-grecord-command-line -c a.c"), "command line"},
    {"-aux-info", "gcc", w("-aux-info protos.h -c a.c"), "writes files"},
    {"gcc module mapper", "g++", w("-fmodules-ts -fmodule-mapper=|cmd -c a.cc"), "modules"},
    {"clang plugin option on gcc", "gcc", w("-fpass-plugin=p.so -c a.c"), "loads code"},
    {"gcc option that writes files, on clang", "clang", w("-fcallgraph-info -c a.c"),
     "writes files"},
    {"empty include directory", "gcc", {"-I", "", "-c", "a.c"}, "empty path"},
    {"prefix map without NEW", "gcc", w("-ffile-prefix-map=/src -c a.c"), "not OLD=NEW"},
};

// Both families scan with the compile's own preprocessing: gcc's -fdirectives-only would
// skip _Pragma and digraph/trigraph directives (issue 9), so no row has it and the scan
// must equal the row exactly.
std::vector<std::string> gcc_scan(const char*, std::vector<std::string> scan) {
    return scan;
}

} // namespace

TEST_CASE("analyse: remote command lines and their derived commands") {
    for (const auto& c : kRemote) {
        CAPTURE(c.what);
        auto a = analyse(c.compiler, c.args, {"PATH=/usr/bin", "CPATH="});
        CHECK(a.remote);
        CHECK(a.reason == "");
        CHECK(a.language == c.language);
        CHECK(a.scan_args == gcc_scan(c.compiler, c.scan));
        CHECK(a.remote_args == c.remote);
        CHECK(a.outputs == c.outputs);
        CHECK(a.object == c.outputs.front());
        CHECK(a.depfile == c.depfile);
    }
}

// lib/math/gcd.c from `make V=1 lib/math/` of Linux 6.1 (x86_64 defconfig, gcc 12), as the
// shell hands it to gcc, cut where the derived commands differ.
constexpr const char* kKbuildDeps = "-Wp,-MMD,lib/math/.gcd.o.d";
constexpr const char* kKbuildFlags =
    "-nostdinc -I./arch/x86/include -I./arch/x86/include/generated -I./include "
    "-I./arch/x86/include/uapi -I./arch/x86/include/generated/uapi -I./include/uapi "
    "-I./include/generated/uapi -include ./include/linux/compiler-version.h -include "
    "./include/linux/kconfig.h -include ./include/linux/compiler_types.h -D__KERNEL__ "
    "-fmacro-prefix-map=./= -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs "
    "-fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration "
    "-Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mno-sse -mno-mmx "
    "-mno-sse2 -mno-3dnow -mno-avx -fcf-protection=none -m64 -falign-jumps=1 -falign-loops=1 "
    "-mno-80387 -mno-fp-ret-in-387 -mpreferred-stack-boundary=3 -mskip-rax-setup -mtune=generic "
    "-mno-red-zone -mcmodel=kernel -Wno-sign-compare -fno-asynchronous-unwind-tables "
    "-mindirect-branch=thunk-extern -mindirect-branch-register -mindirect-branch-cs-prefix "
    "-mfunction-return=thunk-extern -fno-jump-tables -fno-delete-null-pointer-checks "
    "-Wno-frame-address -Wno-format-truncation -Wno-format-overflow "
    "-Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 "
    "-fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable "
    "-Wno-dangling-pointer -fomit-frame-pointer -ftrivial-auto-var-init=zero "
    "-fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type "
    "-Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized "
    "-Werror -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 "
    "-fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time "
    "-Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen "
    "-Wno-packed-not-aligned -DKBUILD_MODFILE=\"lib/math/gcd\" -DKBUILD_BASENAME=\"gcd\" "
    "-DKBUILD_MODNAME=\"gcd\" -D__KBUILD_MODNAME=kmod_gcd";

std::vector<std::string> cat(std::initializer_list<std::vector<std::string>> parts) {
    std::vector<std::string> out;
    for (const auto& part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

TEST_CASE("analyse: a real Kbuild line distributes, with a forced-include pass") {
    const auto args =
        cat({w(kKbuildDeps), w(kKbuildFlags), w("-c -o lib/math/gcd.o lib/math/gcd.c")});
    REQUIRE(args.size() == 96);
    auto a = analyse("gcc", args);
    CAPTURE(a.reason);
    REQUIRE(a.remote);
    CHECK(a.language == "c");
    CHECK(a.source == "lib/math/gcd.c");
    CHECK(a.outputs == w("lib/math/gcd.o"));
    CHECK(a.depfile == "lib/math/.gcd.o.d");
    CHECK(a.scan_args ==
          cat({w(kKbuildDeps), w(kKbuildFlags), w("lib/math/gcd.c -E -o /dev/null -H -v")}));
    CHECK(a.remote_args == cat({w(kKbuildFlags), w("-c -o lib/math/gcd.o lib/math/gcd.c")}));
    // Everything but the source, the output and the dependency file: the same macro context
    // for the forced includes.
    CHECK(a.make_rule_pass == MakeRulePass::empty_unit);
    CHECK(a.make_rule_args == w(kKbuildFlags));
    CHECK(a.user_include_dirs ==
          w("./arch/x86/include ./arch/x86/include/generated ./include ./arch/x86/include/uapi "
            "./arch/x86/include/generated/uapi ./include/uapi ./include/generated/uapi"));

    // The same line through clang's driver names (LLVM=1 builds call clang).
    auto c = analyse("clang", args);
    CAPTURE(c.reason);
    REQUIRE(c.remote);
    CHECK(c.scan_args == cat({w(kKbuildDeps), w(kKbuildFlags),
                              w("lib/math/gcd.c -E -o /dev/null -v -MQ lib/math/gcd.o")}));
    // That scan has no -H: the -M pass lists every file, on the source itself.
    CHECK(c.make_rule_pass == MakeRulePass::source);
    CHECK(c.make_rule_args == w(kKbuildFlags));
}

TEST_CASE("analyse: the -M pass exists only with -include/-imacros or clang -MMD") {
    for (const auto& c : kRemote) {
        CAPTURE(c.what);
        auto a = analyse(c.compiler, c.args);
        bool forced = false;
        for (const auto& arg : c.args)
            forced = forced || arg.starts_with("-include") || arg.starts_with("--include") ||
                     arg.starts_with("-imacros");
        const bool no_h = std::find(c.scan.begin(), c.scan.end(), "-H") == c.scan.end();
        CHECK(a.make_rule_pass == (no_h     ? MakeRulePass::source
                                   : forced ? MakeRulePass::empty_unit
                                            : MakeRulePass::none));
        if (!no_h) CHECK(a.make_rule_args.empty() == !forced);
    }
    auto c = analyse("clang", w("-Iinc -MMD -MF x.d -c a.c -o a.o"));
    REQUIRE(c.remote);
    CHECK(c.make_rule_pass == MakeRulePass::source);
    CHECK(c.make_rule_args == w("-Iinc"));
    auto a = analyse("g++", w("-x c++ -include pre.h -MD -MF d.d -MT t -O2 -c a.c -o a.o"));
    REQUIRE(a.remote);
    CHECK(a.language == "c++");
    CHECK(a.make_rule_args == w("-x c++ -include pre.h -O2"));
}

TEST_CASE("analyse: local command lines say why") {
    for (const auto& c : kLocal) {
        CAPTURE(c.what);
        auto a = analyse(c.compiler, c.args, c.env);
        CHECK_FALSE(a.remote);
        CAPTURE(a.reason);
        CHECK(a.reason.find(c.reason) != std::string::npos);
        CHECK(a.scan_args.empty());
        CHECK(a.remote_args.empty());
    }
}

TEST_CASE("analyse: a source that is not C or C++ is counted by its extension, not its name") {
    // The reason is a counter's key: one per .s file of a build would flood the summary.
    CHECK(analyse("gcc", w("-c crypto/aes/aes-x86_64.s -o a.o"), {}).reason ==
          "not a C or C++ source (.s)");
    CHECK(analyse("gcc", w("-c dir.v2/source -o a.o"), {}).reason ==
          "not a C or C++ source (no extension)");
}

TEST_CASE("analyse: the table is big enough to mean something") {
    CHECK(std::size(kRemote) + std::size(kLocal) >= 60);
}

TEST_CASE("analyse: source, object and include directories in every spelling") {
    auto a = analyse("gcc", w("-Iinc1 -I inc2 --include-directory=inc3 --include-directory inc4 "
                              "-isystem sys1 -isystemsys2 -idirafter after -iquote q -iquoteq2 "
                              "-c src/a.c -o obj/a.o"));
    REQUIRE(a.remote);
    CHECK(a.source == "src/a.c");
    CHECK(a.object == "obj/a.o");
    CHECK(a.user_include_dirs == w("inc1 inc2 inc3 inc4 sys1 sys2 after q q2"));

    auto c = analyse("clang", w("--include-directory-after=late -c a.c"));
    REQUIRE(c.remote);
    CHECK(c.user_include_dirs == w("late"));
    CHECK(c.source == "a.c");
    CHECK(c.object == "a.o");
}

TEST_CASE("dependency options: what the depfile lists, and the runner's arguments with them") {
    struct Case {
        std::vector<std::string> args;
        DepRule rule;
    };
    const Case cases[] = {
        {{"-c", "a.c"}, DepRule::none},
        {{"-MD", "-c", "a.c"}, DepRule::all_files},
        {{"-MD", "-MF", "x.d", "-MT", "t", "-c", "a.c"}, DepRule::all_files},
        {{"-Wp,-MD,.a.o.d", "-c", "a.c"}, DepRule::all_files},
        {{"-MMD", "-MP", "-c", "a.c"}, DepRule::user_files},
        {{"-Wp,-MMD,.a.o.d", "-c", "a.c"}, DepRule::user_files},
        // Both: the rule that leaves system headers out is the one assumed (the weaker proof).
        {{"-MD", "-MMD", "-c", "a.c"}, DepRule::user_files},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args.front());
        auto a = analyse("gcc", c.args);
        REQUIRE(a.remote);
        CHECK(a.dep_rule == c.rule);
        // The runner's arguments under "on" are the command line as given.
        CHECK(a.depfile_args == (c.rule == DepRule::none ? std::vector<std::string>{} : c.args));
    }
}
