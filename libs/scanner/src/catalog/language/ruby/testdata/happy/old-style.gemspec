# -*- encoding: utf-8 -*-
Gem::Specification.new do |spec|
  spec.name = %q{json}
  spec.version = "2.6.3"
  spec.licenses = [%q{Ruby}, 'BSD-2-Clause']
  spec.summary = %q{JSON Implementation for Ruby}
end
